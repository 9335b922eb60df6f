package dev.visionapi.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where images may be read from besides the request itself. */
@ConfigMapping(prefix = "sources")
public interface SourcesConfig {

    /** Images read from S3 ({@code s3://bucket/key}) with the AWS default credentials chain. */
    S3 s3();

    /** The S3 client and which buckets it may read. */
    interface S3 {

        /** Buckets images may be read from, by exact name; when absent, every S3 source is refused with 400. */
        Optional<List<String>> allowedBuckets();

        /** AWS region of the buckets; when absent, the AWS default region chain, then {@code us-east-1}. */
        Optional<String> region();

        /** Endpoint URL that replaces the regional one: S3-compatible stores, VPC interface endpoints. */
        Optional<URI> endpointOverride();

        /** Path-style addressing ({@code https://host/bucket/key}), which most S3-compatible stores need. */
        @WithDefault("false")
        boolean pathStyle();

        /** Deadline of reading one object, the length check and the download together, retries included. */
        @WithDefault("20s")
        Duration timeout();
    }
}

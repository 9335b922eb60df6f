package dev.visionapi.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where images may be taken from besides the request itself, and the rules that keep those reads safe. */
@ConfigMapping(prefix = "sources")
public interface SourcesConfig {

    /** Images fetched by {@code http(s)} URL. */
    Url url();

    /** The SSRF rules and limits of URL fetches. */
    interface Url {

        /** Whether plain {@code http} URLs are fetched too; by default only {@code https}. */
        @WithDefault("false")
        boolean allowHttp();

        /** Ports allowed besides 443 (and 80 when {@code allow-http} is on). */
        Optional<List<Integer>> allowedPorts();

        /** CIDRs (e.g. {@code 10.1.2.0/24}) allowed although loopback, private, link-local or otherwise internal. */
        Optional<List<String>> allowedNetworks();

        /** Deadline to open the TCP connection (TLS handshake included) to the image host. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Deadline of one whole fetch, DNS and redirects included; it must stay well inside {@code bedrock.timeout}. */
        @WithDefault("20s")
        Duration timeout();

        /** Fetches running at once; one more is refused with 503 {@code overloaded}. */
        @WithDefault("32")
        int maxConcurrent();

        /** PEM file of CA certificates trusted INSTEAD of the JVM's, e.g. for an internal host with a private CA. */
        Optional<Path> trustCertificates();
    }

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

        /**
         * AWS account ID that must own the buckets: S3 refuses to read from a bucket of another account (403), and so
         * does Bedrock when it reads an image from S3 itself. When absent, the owner is not checked.
         */
        Optional<String> bucketOwner();

        /** Connections to S3 at once (the SDK's default of 50 would queue analyses at the in-flight limit). */
        @WithDefault("256")
        int maxConcurrency();
    }
}

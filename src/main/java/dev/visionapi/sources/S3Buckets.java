package dev.visionapi.sources;

import java.util.List;
import java.util.Set;

import dev.visionapi.config.SourcesConfig;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;

/** The buckets the service may use ({@code sources.s3.allowed-buckets}), for listings and results files. */
final class S3Buckets {

    private final Set<String> allowed;

    S3Buckets(SourcesConfig sources) {
        this.allowed = Set.copyOf(sources.s3().allowedBuckets().orElse(List.of()));
    }

    /** 400 {@code source-forbidden}, naming {@code field}, unless the bucket is allowed. */
    void check(S3Uri uri, String field) {
        if (!allowed.contains(uri.bucket())) {
            throw new ProblemException(ProblemType.SOURCE_FORBIDDEN, "'" + field + "': " + (allowed.isEmpty()
                    ? "this service uses no S3 bucket (sources.s3.allowed-buckets)"
                    : "the S3 bucket '" + uri.bucket() + "' is not one this service may use"));
        }
    }
}

package dev.visionapi.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Jobs on Bedrock batch inference: when they are used, where their files go, and the role Bedrock works under. */
@ConfigMapping(prefix = "jobs.batch")
public interface BatchConfig {

    /** Fewest items for which a job with engine {@code auto} runs on Bedrock batch inference. */
    @WithDefault("100")
    int minRecords();

    /** S3 prefix ({@code s3://bucket/prefix/}) for the batch input and output files; batch is off without it. */
    Optional<String> staging();

    /** IAM role Bedrock assumes to read and write {@link #staging()}; batch is off without it. */
    Optional<String> roleArn();

    /** How often a running Bedrock batch job's status is asked for. */
    @WithDefault("60S")
    Duration pollInterval();

    /** Most records in one Bedrock batch job (and its one input file); more items are split into several jobs. */
    @WithDefault("50000")
    int maxRecordsPerJob();
}

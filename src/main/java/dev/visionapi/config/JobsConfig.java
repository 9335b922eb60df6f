package dev.visionapi.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Jobs: many images analysed in the background, coordinated through PostgreSQL. */
@ConfigMapping(prefix = "jobs")
public interface JobsConfig {

    /** Most items (images) one job may have; a larger list is refused with 400, a job over a larger prefix fails. */
    @WithDefault("100000")
    int maxItems();

    /** How long a claimed item belongs to its replica; past it, another replica takes the item again. */
    @WithDefault("2M")
    Duration lease();

    /** The on-demand engine's workers, which every replica runs. */
    Workers workers();

    /** The Bedrock batch inference engine. */
    Batch batch();

    /** The background listing of jobs' S3 prefixes, which every replica takes part in. */
    Listing listing();

    /** Listing a job's S3 prefix, one page of keys at a time. */
    interface Listing {

        /** How often a replica looks for listings to take up: new ones, and those a stopped replica left. */
        @WithDefault("5S")
        Duration pollInterval();

        /** How long a listing belongs to its replica after each page; past it, another replica resumes it. */
        @WithDefault("1M")
        Duration lease();

        /** Tries in a row that may fail (S3 timeouts, 5xx, throttling) before the job fails; they wait longer each time. */
        @WithDefault("5")
        int maxAttempts();
    }

    /** The workers of one replica. */
    interface Workers {

        /** Analyses one replica's workers run at the same time. */
        @WithDefault("64")
        int concurrency();

        /** How often idle workers look for items to claim. */
        @WithDefault("1S")
        Duration pollInterval();
    }

    /** Bedrock batch inference jobs. */
    interface Batch {

        /** Fewest items for which {@code engine: auto} chooses the batch engine. */
        @WithDefault("100")
        int minRecords();

        /** S3 prefix ({@code s3://bucket/prefix/}) where batch input and output files go; batch is off without it. */
        Optional<String> staging();

        /** ARN of the IAM role Bedrock assumes to read and write the staging prefix; batch is off without it. */
        Optional<String> roleArn();

        /** How often the state of running batch jobs is asked for. */
        @WithDefault("60S")
        Duration pollInterval();

        /** Most records per Bedrock model invocation job (and its one input file); larger jobs are split. */
        @WithDefault("50000")
        int maxRecordsPerJob();

        /** Bedrock's fewest records per model invocation job (its quota); smaller input files' items run on demand. */
        @WithDefault("100")
        int minRecordsPerJob();
    }
}

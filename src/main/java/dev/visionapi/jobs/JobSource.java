package dev.visionapi.jobs;

import java.util.List;

/** Where a job's images are: every image object under an S3 prefix, or a list. */
public sealed interface JobSource {

    /** Every object under {@code s3://bucket/prefix/} whose key ends in an image extension. */
    record Prefix(String s3Prefix) implements JobSource {
    }

    /** These images, in this order. */
    record Images(List<Image> images) implements JobSource {
    }

    /** One image of a list: exactly one of its fields is set. */
    record Image(String url, String s3, String sample) {
    }
}

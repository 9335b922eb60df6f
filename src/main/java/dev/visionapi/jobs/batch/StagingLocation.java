package dev.visionapi.jobs.batch;

/** A bucket and a key prefix from an {@code s3://bucket/prefix/} URI ({@code jobs.batch.staging}). */
record StagingLocation(String bucket, String prefix) {

    static StagingLocation of(String uri) {
        if (uri == null || !uri.startsWith("s3://") || uri.length() == "s3://".length()) {
            throw new IllegalArgumentException("Not an s3://bucket/prefix/ URI: " + uri);
        }
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return new StagingLocation(rest, "");
        }
        String prefix = rest.substring(slash + 1);
        return new StagingLocation(rest.substring(0, slash), prefix.isEmpty() || prefix.endsWith("/") ? prefix
                : prefix + "/");
    }

    /** The key of one input file of a batch. */
    String inputKey(String batchName, int part) {
        return prefix + batchName + "/input/" + String.format("part-%05d.jsonl", part);
    }

    /** Where the jobs of a batch write their output. */
    String outputUri(String batchName) {
        return "s3://" + bucket + "/" + prefix + batchName + "/output/";
    }

    String uri(String key) {
        return "s3://" + bucket + "/" + key;
    }
}

package dev.visionapi.sources;

/**
 * What {@link S3ImageReader#head(String)} learnt of an S3 object without downloading it: its length, the ETag of the
 * version described, and its first bytes (at most {@value S3ImageReader#FIRST_BYTES}).
 */
public record ObjectHead(S3Uri uri, long length, String eTag, byte[] firstBytes) {
}

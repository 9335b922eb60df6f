package dev.visionapi.image;

import java.util.Optional;

/**
 * Where Bedrock reads an image itself instead of receiving its bytes: an S3 object.
 *
 * @param uri the object, {@code s3://bucket/key}
 * @param bucketOwner the AWS account that must own the bucket, which Bedrock then checks; empty to check none
 */
public record ImageLocation(String uri, Optional<String> bucketOwner) {
}

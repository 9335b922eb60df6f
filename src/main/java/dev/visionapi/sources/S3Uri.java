package dev.visionapi.sources;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;

/**
 * An S3 object named as {@code s3://bucket/key}, parsed strictly: the scheme in lower case, a general purpose bucket
 * name by S3's naming rules, and a key of 1 to 1,024 UTF-8 bytes.
 * <p>
 * The key is taken literally, never percent-decoded: {@code s3://b/a%20b.png} names the key {@code a%20b.png}, as it
 * does for the AWS CLI. S3 keys may contain {@code %}, {@code ?}, {@code #} and spaces, and decoding would make such
 * keys unreachable or ambiguous; a JSON request can carry any character as it is. Refused are keys with control
 * characters (they would forge log lines) and keys with a {@code .} or {@code ..} segment, which a path-normalizing
 * proxy or store could resolve into another bucket than the allowed one.
 */
public record S3Uri(String bucket, String key) {

    private static final String SCHEME = "s3://";
    private static final int MAX_KEY_BYTES = 1024;
    // 3 to 63 lower-case letters, digits, dots and hyphens, beginning and ending with a letter or digit.
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String[] RESERVED_PREFIXES = {"xn--", "sthree-", "amzn-s3-demo-"};
    private static final String[] RESERVED_SUFFIXES = {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"};

    /** Parses {@code s3://bucket/key}; anything else is refused with 400 {@code invalid-request}. */
    public static S3Uri parse(String uri) {
        if (uri == null || !uri.startsWith(SCHEME)) {
            throw invalid("An S3 source must have the form s3://bucket/key");
        }
        String rest = uri.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw invalid("An S3 source must name an object: s3://bucket/key");
        }
        String bucket = rest.substring(0, slash);
        String key = rest.substring(slash + 1);
        if (!validBucket(bucket)) {
            throw invalid("Not a valid S3 bucket name in the S3 source");
        }
        if (key.isEmpty()) {
            throw invalid("The S3 source names no object key: s3://bucket/key");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw invalid("The S3 object key is longer than " + MAX_KEY_BYTES + " bytes");
        }
        if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw invalid("The S3 object key contains control characters");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                throw invalid("The S3 object key contains a '.' or '..' segment");
            }
        }
        return new S3Uri(bucket, key);
    }

    static boolean validBucket(String bucket) {
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..") || IP_ADDRESS.matcher(bucket).matches()) {
            return false;
        }
        for (String prefix : RESERVED_PREFIXES) {
            if (bucket.startsWith(prefix)) {
                return false;
            }
        }
        for (String suffix : RESERVED_SUFFIXES) {
            if (bucket.endsWith(suffix)) {
                return false;
            }
        }
        return true;
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.INVALID_REQUEST, detail);
    }

    @Override
    public String toString() {
        return SCHEME + bucket + "/" + key;
    }
}

package dev.visionapi.bedrock.emulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks a request's SigV4 signature as Bedrock does: it computes the signature of the received request again, with
 * the emulator's credentials, the signed headers, date and scope the request names and the body as received, and
 * compares. A body that differs by one byte from the one the client signed fails, as it would against AWS. Written
 * from the SigV4 specification (the SDK's request types are not its public API); the SDK client's signatures being
 * accepted in every integration test checks it.
 */
final class SignatureCheck {

    private static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/"
            + "([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})");
    private static final Pattern AMZ_DATE = Pattern.compile("\\d{8}T\\d{6}Z");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final HexFormat HEX = HexFormat.of();

    private final AwsCredentialsIdentity credentials;

    SignatureCheck(AwsCredentialsIdentity credentials) {
        this.credentials = credentials;
    }

    /** Whether the request carries a valid signature of these credentials over this body. */
    boolean verify(HttpServerRequest request, Buffer body) {
        Matcher authorization = AUTHORIZATION.matcher(String.valueOf(request.getHeader("Authorization")));
        String date = request.getHeader("X-Amz-Date");
        if (!authorization.matches() || date == null || !AMZ_DATE.matcher(date).matches()
                || !date.startsWith(authorization.group(2))
                || !credentials.accessKeyId().equals(authorization.group(1))) {
            return false;
        }
        String day = authorization.group(2);
        String region = authorization.group(3);
        String service = authorization.group(4);
        String signedHeaders = authorization.group(5);
        String canonicalRequest = String.join("\n", request.method().name(), canonicalUri(request.path()),
                canonicalQuery(request.query()), canonicalHeaders(request, signedHeaders), signedHeaders,
                HEX.formatHex(sha256(body.getBytes())));
        String scope = day + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = String.join("\n", "AWS4-HMAC-SHA256", date, scope,
                HEX.formatHex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
        byte[] key = ("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8);
        for (String part : new String[] {day, region, service, "aws4_request"}) {
            key = hmac(key, part);
        }
        byte[] expected = hmac(key, stringToSign);
        return MessageDigest.isEqual(expected, HEX.parseHex(authorization.group(6)));
    }

    /** The path as received (URL-encoded once), encoded again: SigV4's rule for every service but S3. */
    private static String canonicalUri(String path) {
        StringBuilder uri = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-_.~/".indexOf(c) >= 0) {
                uri.append(c);
            } else {
                uri.append('%').append(HEX.withUpperCase().toHexDigits(b));
            }
        }
        return uri.length() == 0 ? "/" : uri.toString();
    }

    /** The query's parameters sorted, as received; Bedrock's operations take none. */
    private static String canonicalQuery(String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        return Arrays.stream(query.split("&")).map(pair -> pair.contains("=") ? pair : pair + "=").sorted()
                .collect(Collectors.joining("&"));
    }

    /** Each signed header as {@code name:value}, its values joined by commas and its spaces collapsed. */
    private static String canonicalHeaders(HttpServerRequest request, String signedHeaders) {
        StringBuilder headers = new StringBuilder();
        for (String name : signedHeaders.split(";")) {
            String value = name.equals("host") ? host(request.authority())
                    : String.join(",", request.headers().getAll(name));
            headers.append(name).append(':').append(SPACES.matcher(value.trim()).replaceAll(" ")).append('\n');
        }
        return headers.toString();
    }

    /** The Host header as the client signed it: HTTP/2 carries it as {@code :authority}. */
    private static String host(HostAndPort authority) {
        return authority.port() < 0 ? authority.host() : authority.host() + ":" + authority.port();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

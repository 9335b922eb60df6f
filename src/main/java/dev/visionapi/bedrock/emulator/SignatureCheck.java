package dev.visionapi.bedrock.emulator;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks a request's SigV4 signature as Bedrock does: it signs the received request again, with the emulator's
 * credentials, the same signed headers, date and scope and the body as received, and compares the signatures. A body
 * that differs by one byte from the one the client signed fails, as it would against AWS.
 */
final class SignatureCheck {

    private static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/]+)/\\d{8}/([^/]+)/"
            + "([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final AwsCredentialsIdentity credentials;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    SignatureCheck(AwsCredentialsIdentity credentials) {
        this.credentials = credentials;
    }

    /** Whether the request carries a valid signature of these credentials over this body. */
    boolean verify(HttpServerRequest request, Buffer body) {
        Matcher authorization = AUTHORIZATION.matcher(String.valueOf(request.getHeader("Authorization")));
        String date = request.getHeader("X-Amz-Date");
        if (!authorization.matches() || date == null || !credentials.accessKeyId().equals(authorization.group(1))) {
            return false;
        }
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(date));
        } catch (DateTimeParseException e) {
            return false;
        }
        SdkHttpFullRequest.Builder received = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .protocol("http")
                .host(request.authority().host())
                .port(request.authority().port())
                .encodedPath(request.path());
        for (String name : authorization.group(4).split(";")) {
            if (!name.equals("host") && !name.equals("x-amz-date")) {
                received.putHeader(name, request.headers().getAll(name));
            }
        }
        String expected = signer.sign(signing -> signing
                .identity(credentials)
                .request(received.build())
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body.getBytes()))
                .putProperty(AwsV4HttpSigner.REGION_NAME, authorization.group(2))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, authorization.group(3))
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)))
                .request().firstMatchingHeader("Authorization").orElse("");
        return expected.equals(authorization.group());
    }
}

package dev.visionapi.api;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A multipart/form-data body built by hand, for tests that post with the JDK's HTTP client: it streams large bodies
 * far faster than REST Assured and sends many requests at once.
 */
public final class MultipartBody {

    /** The boundary of every body built with {@link #field} and {@link #file}. */
    public static final String BOUNDARY = "test-boundary-7MA4YWxkTrZu0gW";
    /** The Content-Type of every body built with {@link #field} and {@link #file}. */
    public static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    public MultipartBody field(String name, String value) {
        part("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
        body.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    public MultipartBody file(String name, String fileName, byte[] content) {
        part("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n");
        body.writeBytes(content);
        body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    /** A POST of this body to {@code uri}, with these extra headers (name, value, name, value, ...). */
    public HttpRequest post(URI uri, String... headers) {
        return request(uri, headers).POST(HttpRequest.BodyPublishers.ofByteArray(bytes())).build();
    }

    /** A POST of this body without Content-Length: HTTP/1.1 sends it chunked. */
    public HttpRequest postChunked(URI uri) {
        byte[] complete = bytes();
        return request(uri).POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(complete)))
                .build();
    }

    /** A POST of a body written by hand, whatever it holds, declaring this boundary. */
    public static HttpRequest post(URI uri, String boundary, byte[] body) {
        return request(uri, boundary).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** The pieces one after the other. */
    public static byte[] join(byte[]... pieces) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] piece : pieces) {
            joined.writeBytes(piece);
        }
        return joined.toByteArray();
    }

    private static HttpRequest.Builder request(URI uri, String... headers) {
        HttpRequest.Builder request = request(uri, BOUNDARY);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return request;
    }

    private static HttpRequest.Builder request(URI uri, String boundary) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofSeconds(30));
    }

    /** The whole body, closing delimiter included. */
    public byte[] bytes() {
        return join(body.toByteArray(), ("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private void part(String headers) {
        body.writeBytes(("--" + BOUNDARY + "\r\n" + headers).getBytes(StandardCharsets.US_ASCII));
    }
}

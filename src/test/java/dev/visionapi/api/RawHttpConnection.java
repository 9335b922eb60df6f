package dev.visionapi.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 connection over a plain socket, for tests that decide how the bytes of their requests travel: in which
 * pieces, and how many requests on one connection.
 */
public final class RawHttpConnection implements AutoCloseable {

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: *(\\d+)");

    private final URI uri;
    private final Socket socket;

    public RawHttpConnection(URI uri) throws IOException {
        this.uri = uri;
        this.socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(10_000);
    }

    /** The whole request (head and body) that posts this form with its Content-Length. */
    public byte[] post(MultipartBody form) {
        byte[] body = form.bytes();
        return MultipartBody.join(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getAuthority()
                + "\r\nContent-Type: " + MultipartBody.CONTENT_TYPE
                + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), body);
    }

    /** Posts the form, the connection staying open, and returns the response. */
    public String exchange(MultipartBody form) throws IOException {
        write(post(form));
        return readResponse();
    }

    public void write(byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** The next response (status line, headers, body) read to the end of its declared length. */
    public String readResponse() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("The connection closed within a response's head: " + head);
            }
            head.write(next);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        Matcher length = CONTENT_LENGTH.matcher(headers);
        if (!length.find()) {
            throw new IOException("A response without a declared length: " + headers);
        }
        return headers + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

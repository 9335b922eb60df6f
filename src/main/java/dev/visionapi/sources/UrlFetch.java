package dev.visionapi.sources;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;

import javax.net.ssl.SSLException;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/** One fetch by URL, hop by hop through redirects; each hop checked, resolved, connected to and read on its own. */
final class UrlFetch {

    private final UrlImageFetcher fetcher;
    private final URI original;
    private final UniEmitter<? super FetchedImage> emitter;
    private volatile HttpClientRequest request;
    private volatile boolean finished;

    UrlFetch(UrlImageFetcher fetcher, URI original, UniEmitter<? super FetchedImage> emitter) {
        this.fetcher = fetcher;
        this.original = original;
        this.emitter = emitter;
    }

    void start() {
        hop(original, 0);
    }

    /** Closes the connection of a fetch that was given up (deadline, client gone); nothing after it is read. */
    void abort() {
        finished = true;
        HttpClientRequest current = request;
        if (current != null) {
            current.connection().close();
        }
    }

    private void hop(URI uri, int redirects) {
        SourceUrl url;
        try {
            url = fetcher.check(uri);
        } catch (ProblemException e) {
            fail(e);
            return;
        }
        fetcher.address(url)
                .compose(address -> fetcher.client().request(options(url, address)))
                .onSuccess(created -> send(created, url, redirects))
                .onFailure(failure -> fail(translate(failure, url)));
    }

    private RequestOptions options(SourceUrl url, InetAddress address) {
        // The checked address is the server connected to; host stays the URL's for Host, SNI and certificate checks.
        return new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setSsl(url.https())
                .setHost(url.host())
                .setPort(url.port())
                .setServer(SocketAddress.inetSocketAddress(url.port(), address.getHostAddress()))
                .setURI(url.pathAndQuery())
                .setFollowRedirects(false)
                .putHeader(HttpHeaders.USER_AGENT, fetcher.userAgent())
                .putHeader(HttpHeaders.ACCEPT, "image/*");
    }

    private void send(HttpClientRequest created, SourceUrl url, int redirects) {
        request = created;
        created.exceptionHandler(ignored -> { }); // reported through send() or the response; a hop given up is closed
        if (finished) {
            created.connection().close();
            return;
        }
        created.send()
                .onSuccess(response -> answer(response, url, redirects))
                .onFailure(failure -> fail(translate(failure, url)));
    }

    private void answer(HttpClientResponse response, SourceUrl url, int redirects) {
        // A hop that is left (redirect, error status, too large) is closed: that closing is no failure of the fetch.
        response.exceptionHandler(ignored -> { });
        int status = response.statusCode();
        String location = response.getHeader(HttpHeaders.LOCATION);
        if (UrlImageFetcher.REDIRECTS.contains(status) && location != null) {
            closeConnection();
            if (redirects == UrlImageFetcher.MAX_REDIRECTS) {
                fail(SourceUrl.forbidden("%s: more than %d redirects.".formatted(SourceUrl.shown(original),
                        UrlImageFetcher.MAX_REDIRECTS)));
                return;
            }
            URI next;
            try {
                next = UrlImageFetcher.resolve(url.uri(), location);
            } catch (ProblemException e) {
                fail(e);
                return;
            }
            hop(next, redirects + 1);
            return;
        }
        if (status < 200 || status > 299) {
            closeConnection();
            fail(new ProblemException(ProblemType.SOURCE_UNREACHABLE,
                    "%s answered with HTTP status %d.".formatted(url.shown(), status)));
            return;
        }
        long maxBytes = fetcher.maxBytes();
        String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && parsedLength(length) > maxBytes) {
            closeConnection();
            fail(tooLarge());
            return;
        }
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (finished) {
                return;
            }
            if ((long) body.length() + chunk.length() > maxBytes) {
                fail(tooLarge());
                closeConnection(); // not read to the end: the rest may be endless
                return;
            }
            body.appendBuffer(chunk);
        });
        response.exceptionHandler(failure -> {
            if (request == response.request()) {
                fail(translate(failure, url));
            }
        });
        response.endHandler(ended -> succeed(body.getBytes()));
    }

    private static long parsedLength(String header) {
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1; // the body's own length is counted as it arrives
        }
    }

    private ProblemException tooLarge() {
        return new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "The image at %s is larger than %d bytes, the limit per image."
                .formatted(SourceUrl.shown(original), fetcher.maxBytes()));
    }

    private ProblemException translate(Throwable failure, SourceUrl url) {
        if (failure instanceof ProblemException problem) {
            return problem;
        }
        if (failure instanceof ConnectTimeoutException || failure instanceof SslHandshakeTimeoutException
                || failure.getCause() instanceof SslHandshakeTimeoutException) {
            return new ProblemException(ProblemType.SOURCE_TIMEOUT,
                    "%s: the connection could not be opened in time.".formatted(url.shown()), null, failure);
        }
        if (failure instanceof SSLException || failure.getCause() instanceof SSLException) {
            return new ProblemException(ProblemType.SOURCE_UNREACHABLE,
                    "%s: the TLS handshake failed (a certificate not trusted or not for %s)."
                            .formatted(url.shown(), url.host()),
                    null, failure);
        }
        if (failure instanceof ConnectException) {
            return new ProblemException(ProblemType.SOURCE_UNREACHABLE,
                    "%s: the connection was refused.".formatted(url.shown()), null, failure);
        }
        return new ProblemException(ProblemType.SOURCE_UNREACHABLE,
                "%s: the connection failed before the image was received.".formatted(url.shown()), null, failure);
    }

    private void closeConnection() {
        HttpClientRequest current = request;
        if (current != null) {
            current.connection().close();
        }
    }

    private void succeed(byte[] bytes) {
        if (!finished) {
            finished = true;
            emitter.complete(new FetchedImage(SourceUrl.shown(original), bytes));
        }
    }

    private void fail(ProblemException problem) {
        if (!finished) {
            finished = true;
            emitter.fail(problem);
        }
    }
}

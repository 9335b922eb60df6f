package dev.visionapi.sources;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.visionapi.config.ImagesConfig;
import dev.visionapi.config.SourcesConfig;
import dev.visionapi.image.ImageUpload;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemTrustOptions;

/**
 * Fetches images by {@code https} URL without opening a way into the service's network (OWASP's SSRF rules): the host
 * is looked up once, every address it has is checked, and the connection goes to the checked address, with the URL's
 * host name kept for the Host header, SNI and certificate verification. Each redirect is checked like the first URL.
 * The body is read up to {@code images.max-file-bytes} and the connection closed past it; the remote Content-Type is
 * ignored (the bytes are sniffed later, as for uploads).
 */
@Startup // built at start-up, so that a malformed sources.url.allowed-networks stops the service, not a request
@ApplicationScoped
public class UrlImageFetcher {

    /** Responses that point elsewhere; their Location is followed, checked like the first URL. */
    static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    static final int MAX_REDIRECTS = 3;
    /** Asked to try again after this long when all fetch places are taken. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final HttpClient client;
    private final AddressPolicy addresses;
    private final boolean allowHttp;
    private final Set<Integer> extraPorts;
    private final Duration timeout;
    private final int maxConcurrent;
    private final long maxBytes;
    private final String userAgent;
    private final AtomicInteger running = new AtomicInteger();

    @Inject
    public UrlImageFetcher(Vertx vertx, SourcesConfig sources, ImagesConfig images,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        SourcesConfig.Url url = sources.url();
        this.vertx = vertx;
        this.addresses = allowedNetworks(url.allowedNetworks().orElse(List.of()));
        this.allowHttp = url.allowHttp();
        this.extraPorts = Set.copyOf(url.allowedPorts().orElse(List.of()));
        this.timeout = url.timeout();
        this.maxConcurrent = url.maxConcurrent();
        this.maxBytes = images.maxFileBytes();
        this.userAgent = "image-understanding-api/" + version;
        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                // One connection per fetch, closed after it: a pooled connection would outlive the address check.
                .setKeepAlive(false)
                .setConnectTimeout(Math.toIntExact(url.connectTimeout().toMillis()))
                .setSslHandshakeTimeout(url.connectTimeout().toMillis())
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
                .setVerifyHost(true)
                .setForceSni(true)
                .setDecompressionSupported(false)
                .setMaxPoolSize(Math.max(1, maxConcurrent))
                .setName("image-sources");
        url.trustCertificates().ifPresent(path -> options.setTrustOptions(new PemTrustOptions().addCertPath(path.toString())));
        this.client = vertx.createHttpClient(options);
    }

    /**
     * The image at {@code url}. Fails with a {@link ProblemException}: 400 {@code source-forbidden} (scheme, user-info,
     * port, address, too many redirects), 413 {@code payload-too-large}, 502 {@code source-unreachable} (lookup,
     * connection, TLS, or an error status of the remote server), 503 {@code overloaded} (all fetch places taken) and
     * 504 {@code source-timeout} (past {@code sources.url.timeout}).
     */
    public Uni<ImageUpload> fetch(URI url) {
        return Uni.createFrom().deferred(() -> {
            if (running.incrementAndGet() > maxConcurrent) {
                running.decrementAndGet();
                return Uni.createFrom().failure(new ProblemException(ProblemType.OVERLOADED,
                        "%d images are being fetched by URL, the limit; try again later.".formatted(maxConcurrent),
                        RETRY_AFTER, null));
            }
            return Uni.createFrom().<ImageUpload>emitter(emitter -> {
                UrlFetch fetch = new UrlFetch(this, url, emitter);
                emitter.onTermination(fetch::abort);
                // On an event loop, a response's handlers are set in the tick that delivers it: called from any other
                // thread, an empty redirect or a small body could end before its handlers exist, and the fetch hang.
                vertx.getOrCreateContext().runOnContext(started -> fetch.start());
            })
                    .ifNoItem().after(timeout).failWith(() -> new ProblemException(ProblemType.SOURCE_TIMEOUT,
                            "%s did not send the image within %d ms.".formatted(SourceUrl.shown(url), timeout.toMillis())))
                    .onTermination().invoke(running::decrementAndGet);
        });
    }

    private static AddressPolicy allowedNetworks(List<String> networks) {
        try {
            return AddressPolicy.allowing(networks);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("sources.url.allowed-networks: " + e.getMessage(), e);
        }
    }

    /** Checks what can be checked without a lookup; see {@link SourceUrl#check}. */
    SourceUrl check(URI url) {
        return SourceUrl.check(url, allowHttp, extraPorts);
    }

    /** Parses a Location header against the URL that answered with it. */
    static URI resolve(URI base, String location) {
        try {
            return base.resolve(new URI(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new ProblemException(ProblemType.SOURCE_UNREACHABLE,
                    SourceUrl.shown(base) + " redirected to a location that is not a valid URL.");
        }
    }

    /**
     * The addresses of the URL's host, each allowed by the address policy; looked up on a worker thread (the JVM's
     * resolver blocks), once per hop.
     */
    Future<InetAddress> address(SourceUrl url) {
        if (url.literal().isPresent()) {
            try {
                return Future.succeededFuture(checked(url, url.literal().get(), url.literal().get()));
            } catch (ProblemException e) {
                return Future.failedFuture(e);
            }
        }
        return vertx.executeBlocking(() -> {
            InetAddress[] all;
            try {
                all = InetAddress.getAllByName(url.host());
            } catch (UnknownHostException e) {
                throw new ProblemException(ProblemType.SOURCE_UNREACHABLE,
                        url.shown() + ": the host name " + url.host() + " could not be resolved.");
            }
            for (InetAddress address : all) {
                checked(url, address, null);
            }
            return all[0];
        }, false);
    }

    private InetAddress checked(SourceUrl url, InetAddress address, InetAddress literal) {
        addresses.refusal(address).ifPresent(kind -> {
            throw SourceUrl.forbidden(url.shown() + ": " + (literal != null ? "the address is" : "the host " + url.host()
                    + " resolves to") + " an internal address (" + kind + "), which is not allowed.");
        });
        return address;
    }

    HttpClient client() {
        return client;
    }

    long maxBytes() {
        return maxBytes;
    }

    String userAgent() {
        return userAgent;
    }

    @PreDestroy
    void close() {
        client.close();
    }
}

package dev.visionapi.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.visionapi.config.ImagesConfig;
import dev.visionapi.config.SourcesConfig;
import dev.visionapi.image.ImageUpload;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;

/**
 * The URL fetcher against real HTTP and HTTPS servers on 127.0.0.1 (allowed through
 * {@code sources.url.allowed-networks} where a test needs them), and with the defaults, which refuse them.
 */
class UrlImageFetcherTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final long CAP = 1024 * 1024;

    private static Vertx vertx;
    /** Plain HTTP. */
    private static ImageHost plain;
    /** HTTPS with a certificate for "localhost". */
    private static ImageHost localhostTls;
    /** HTTPS with a certificate for "images.example", trusted but not for the host the URL names. */
    private static ImageHost otherNameTls;

    @BeforeAll
    static void startHosts() {
        vertx = Vertx.vertx();
        plain = ImageHost.start(vertx, null);
        localhostTls = ImageHost.start(vertx, ImageHost.keyStore("localhost"));
        otherNameTls = ImageHost.start(vertx, ImageHost.keyStore("images.example"));
    }

    @AfterAll
    static void stopHosts() {
        plain.close();
        localhostTls.close();
        otherNameTls.close();
        ImageHost.join(vertx.close().toCompletionStage().toCompletableFuture());
    }

    // --- fetching what is allowed -------------------------------------------------------------------------------

    @Test
    void fetchesOverHttpsWithTheUrlsHostForHostHeaderSniAndCertificate() {
        ImageUpload image = await(allowingLoopback(Map.of()).fetch(localhostTls.url("https", "localhost", "/image?sig=secret")));

        assertThat(image.bytes()).isEqualTo(ImageHost.IMAGE);
        assertThat(image.name()).isEqualTo("https://localhost:" + localhostTls.port() + "/image");
        Map<String, String> seen = localhostTls.requests.get(localhostTls.requests.size() - 1);
        assertThat(seen).containsEntry("host", "localhost:" + localhostTls.port())
                .containsEntry("sni", "localhost")
                .containsEntry("user-agent", "image-understanding-api/9.9.9-test");
    }

    @Test
    void ignoresTheRemoteContentType() {
        ImageUpload image = await(allowingLoopback(Map.of()).fetch(plain.url("http", "127.0.0.1", "/image")));

        assertThat(image.bytes()).isEqualTo(ImageHost.IMAGE); // served as text/html
    }

    @Test
    void refusesACertificateForAnotherHostName() {
        ProblemException problem = failure(allowingLoopback(Map.of()).fetch(otherNameTls.url("https", "localhost", "/image")));

        assertThat(problem.type()).isEqualTo(ProblemType.SOURCE_UNREACHABLE);
        assertThat(problem.getMessage()).contains("TLS");
        assertThat(otherNameTls.requests).isEmpty();
    }

    @Test
    void refusesACertificateForANameWhenTheUrlNamesTheAddress() {
        ProblemException problem = failure(allowingLoopback(Map.of()).fetch(localhostTls.url("https", "127.0.0.1", "/image")));

        assertThat(problem.type()).isEqualTo(ProblemType.SOURCE_UNREACHABLE);
        assertThat(problem.getMessage()).contains("TLS");
    }

    @Test
    void refusesACertificateThatIsNotTrusted() {
        ProblemException problem = failure(fetcher(Map.of(
                "sources.url.allowed-networks", "127.0.0.0/8",
                "sources.url.allowed-ports", Integer.toString(localhostTls.port())))
                .fetch(localhostTls.url("https", "localhost", "/image")));

        assertThat(problem.type()).isEqualTo(ProblemType.SOURCE_UNREACHABLE);
        assertThat(problem.getMessage()).contains("TLS");
    }

    @Test
    void followsUpToThreeRedirects() {
        ImageUpload image = await(allowingLoopback(Map.of()).fetch(plain.url("http", "127.0.0.1", "/redirect/3")));

        assertThat(image.bytes()).isEqualTo(ImageHost.IMAGE);
        assertThat(image.name()).endsWith("/redirect/3");
    }

    @Test
    void refusesAFourthRedirect() {
        ProblemException problem = failure(allowingLoopback(Map.of()).fetch(plain.url("http", "127.0.0.1", "/redirect/4")));

        assertThat(problem.type()).isEqualTo(ProblemType.SOURCE_FORBIDDEN);
        assertThat(problem.getMessage()).contains("more than 3 redirects");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 404, 500, 503})
    void anErrorStatusOfTheSourceIs502WithThatStatus(int status) {
        ProblemException problem = failure(allowingLoopback(Map.of()).fetch(plain.url("http", "127.0.0.1", "/status/" + status)));

        assertThat(problem.type()).isEqualTo(ProblemType.SOURCE_UNREACHABLE);
        assertThat(problem.type().status()).isEqualTo(502);
        assertThat(problem.getMessage()).contains("HTTP status " + status);
    }

    @Test
    void aRefusedConnectionIs502() throws Exception {
        int closedPort;
        ImageHost gone = ImageHost.start(vertx, null);
        closedPort = gone.port();
        gone.close();

        ProblemException problem = failure(allowingLoopback(Map.of("sources.url.allowed-ports", Integer.toString(closedPort)))
                .fetch(new URI("http://127.0.0.1:" + closedPort + "/image")));

        assertThat(problem.type()).isEqualTo(ProblemType.SOURCE_UNREACHABLE);
    }

    @Test
    void aMalformedAllowedNetworkNamesThePropertyWhenTheFetcherIsBuilt() {
        assertThatThrownBy(() -> fetcher(Map.of("sources.url.allowed-networks", "10.0.0.0/8,intranet")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sources.url.allowed-networks: 'intranet' is not a CIDR block");
    }

    @Test
    void aHostNameThatDoesNotResolveIs502() {
        // .invalid never resolves (RFC 6761), so the lookup fails without depending on the network.
        ProblemException problem = failure(defaults().fetch(URI.create("https://images.invalid/cat.png")));

        assertThat(problem.type()).isEqualTo(ProblemType.SOURCE_UNREACHABLE);
        assertThat(problem.type().status()).isEqualTo(502);
        assertThat(problem.getMessage()).contains("images.invalid could not be resolved");
    }

    @Test
    void aConnectionThatIsNotAcceptedInTimeIs504() throws Exception {
        // A listening socket whose accept queue is full and never drained: Linux drops further SYNs, so the connect
        // neither succeeds nor is refused, it waits, as for a host that drops packets.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = fillAcceptQueue(full.getLocalPort());
            try {
                ProblemException problem = failure(allowingLoopback(Map.of(
                        "sources.url.allowed-ports", Integer.toString(full.getLocalPort()),
                        "sources.url.connect-timeout", "300ms"))
                        .fetch(new URI("http://127.0.0.1:" + full.getLocalPort() + "/image")));

                assertThat(problem.type()).isEqualTo(ProblemType.SOURCE_TIMEOUT);
                assertThat(problem.type().status()).isEqualTo(504);
                assertThat(problem.getMessage()).contains("could not be opened in time");
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aTlsHandshakeWithoutAnswerIs504() throws Exception {
        // Accepts the connection and says nothing: the handshake, part of opening the connection, runs out of time.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket accepted = silent.accept()) {
                    accepted.getInputStream().readAllBytes();
                } catch (IOException ended) {
                    // the fetcher closed the connection, or the test ended
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            ProblemException problem = failure(allowingLoopback(Map.of(
                    "sources.url.allowed-ports", Integer.toString(silent.getLocalPort()),
                    "sources.url.connect-timeout", "300ms"))
                    .fetch(new URI("https://127.0.0.1:" + silent.getLocalPort() + "/image")));

            assertThat(problem.type()).isEqualTo(ProblemType.SOURCE_TIMEOUT);
            assertThat(problem.getMessage()).contains("could not be opened in time");
            acceptor.interrupt();
        }
    }

    private static List<Socket> fillAcceptQueue(int port) {
        List<Socket> queued = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                queued.add(socket);
            } catch (IOException full) {
                closeQuietly(socket);
                return queued;
            }
        }
        throw new IllegalStateException("the accept queue of port " + port + " did not fill up");
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing was opened
        }
    }

    // --- limits ----------------------------------------------------------------------------------------------------

    @Test
    void anEndlessBodyIsCutAtTheCap() {
        ProblemException problem = failure(allowingLoopback(Map.of()).fetch(plain.url("http", "127.0.0.1", "/endless")));

        assertThat(problem.type()).isEqualTo(ProblemType.PAYLOAD_TOO_LARGE);
        assertThat(problem.getMessage()).contains(Long.toString(CAP));
        long written = ImageHost.join(plain.closedAfter.get("/endless"));
        assertThat(written).as("bytes the server wrote before the fetcher closed the connection").isLessThan(64 * CAP);
    }

    @Test
    void anOversizedBodyIsRefusedWithoutReadingIt() {
        ProblemException problem = failure(allowingLoopback(Map.of()).fetch(plain.url("http", "127.0.0.1", "/oversized")));

        assertThat(problem.type()).isEqualTo(ProblemType.PAYLOAD_TOO_LARGE);
        long written = ImageHost.join(plain.closedAfter.get("/oversized"));
        assertThat(written).as("bytes the server wrote before the fetcher closed the connection")
                .isLessThan(ImageHost.OVERSIZED);
    }

    @Test
    void aSourceThatStallsAfterTheHeadersIs504AtTheDeadline() {
        UrlImageFetcher fetcher = allowingLoopback(Map.of("sources.url.timeout", "1s"));

        ProblemException problem = failure(fetcher.fetch(plain.url("http", "127.0.0.1", "/stall")));

        assertThat(problem.type()).isEqualTo(ProblemType.SOURCE_TIMEOUT);
        assertThat(problem.type().status()).isEqualTo(504);
        assertThat(ImageHost.join(plain.closedAfter.get("/stall"))).as("the stalled connection was closed").isNotNull();
    }

    @Test
    void fetchesPastTheLimitAreRefusedWith503AndAPlaceIsFreedWhenOneEnds() {
        UrlImageFetcher fetcher = allowingLoopback(Map.of("sources.url.max-concurrent", "1"));
        Cancellable stalled = fetcher.fetch(plain.url("http", "127.0.0.1", "/stall")).subscribe().with(i -> { }, f -> { });

        ProblemException problem = failure(fetcher.fetch(plain.url("http", "127.0.0.1", "/image")));
        assertThat(problem.type()).isEqualTo(ProblemType.OVERLOADED);
        assertThat(problem.retryAfter()).isPresent();

        stalled.cancel();
        assertThat(await(fetcher.fetch(plain.url("http", "127.0.0.1", "/image"))).bytes()).isEqualTo(ImageHost.IMAGE);
    }

    // --- refusals --------------------------------------------------------------------------------------------------

    @Test
    void withTheDefaultsAHostNameThatResolvesToLoopbackIsRefused() {
        ProblemException problem = failure(defaults().fetch(URI.create("https://localhost/image.png")));

        assertForbidden(problem, "internal address (loopback)");
    }

    @Test
    void withTheDefaultsTheLoopbackServerIsRefusedOnItsAllowedPort() {
        UrlImageFetcher fetcher = fetcher(Map.of("sources.url.allowed-ports", Integer.toString(localhostTls.port()),
                "sources.url.trust-certificates", trustedCertificates().toString()));

        int requestsBefore = localhostTls.requests.size();

        assertForbidden(failure(fetcher.fetch(localhostTls.url("https", "localhost", "/image"))), "internal address");
        assertForbidden(failure(fetcher.fetch(localhostTls.url("https", "127.0.0.1", "/image"))), "internal address");
        assertThat(localhostTls.requests).as("requests that reached the server").hasSize(requestsBefore);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://127.0.0.1/", "https://127.255.255.254/", "https://0.0.0.0/", "https://[::1]/", "https://[::]/",
        "https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/", "https://[0:0:0:0:0:ffff:7f00:1]/",
        "https://[::127.0.0.1]/", "https://[64:ff9b::7f00:1]/", "https://[2002:7f00:1::]/"})
    void withTheDefaultsLoopbackAddressesInEveryFormAreRefused(String url) {
        assertForbidden(failure(defaults().fetch(URI.create(url))), "internal address");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://2130706433/", "https://0177.0.0.1/", "https://0x7f.1/", "https://0x7f000001/", "https://127.1/",
        "https://017700000001/", "https://127.0.0.01/", "https://0x7f.0.0.1/", "https://1.2.3.4.5/"})
    void ipAddressesInOtherFormsThanDottedDecimalAreRefused(String url) {
        // Refused even where loopback is allowed: 0177.0.0.1 is 127.0.0.1 to curl and browsers, 177.0.0.1 to Java.
        assertForbidden(failure(allowingLoopback(Map.of()).fetch(URI.create(url))), "dotted decimal");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.org/a.png", "ftp://example.org/a.png", "file:///etc/passwd",
        "jar:file:/app.jar!/a.png", "gopher://example.org/", "//example.org/a.png", "a.png"})
    void withTheDefaultsOnlyHttpsIsFetched(String url) {
        assertForbidden(failure(defaults().fetch(URI.create(url))), "only https");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://user:secret@example.org/a.png", "https://user@example.org/a.png",
        "https://@example.org/a.png"})
    void userInformationIsRefused(String url) {
        ProblemException problem = failure(defaults().fetch(URI.create(url)));

        assertForbidden(problem, "user information");
        assertThat(problem.getMessage()).doesNotContain("secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://example.org:8443/a.png", "https://example.org:80/a.png", "https://example.org:22/",
        "https://example.org:0/"})
    void withTheDefaultsOnlyPort443IsFetched(String url) {
        assertForbidden(failure(defaults().fetch(URI.create(url))), "port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://ex_ample.org/", "https://[fe80::1%25eth0]/", "https:///a.png"})
    void hostsThatAreNeitherNamesNorAddressesAreRefused(String url) {
        assertForbidden(failure(defaults().fetch(URI.create(url))), "host");
    }

    @Test
    void aRedirectFromAnAllowedHostToAForbiddenOneIsRefused() {
        // Only 127.0.0.1 is allowed; the redirect leads to another loopback address.
        UrlImageFetcher fetcher = fetcher(Map.of("sources.url.allowed-networks", "127.0.0.1/32",
                "sources.url.allow-http", "true", "sources.url.allowed-ports", Integer.toString(plain.port())));

        assertThat(await(fetcher.fetch(redirectTo("/image"))).bytes()).as("a redirect within 127.0.0.1")
                .isEqualTo(ImageHost.IMAGE);
        for (String target : new String[]{"http://127.0.0.2:%d/image", "http://[::1]:%d/image",
            "http://[::ffff:127.0.0.2]:%d/image", "http://2130706433:%d/image", "http://0x7f.1:%d/image"}) {
            ProblemException problem = failure(fetcher.fetch(redirectTo(target.formatted(plain.port()))));
            assertThat(problem.type()).as(target).isEqualTo(ProblemType.SOURCE_FORBIDDEN);
        }
    }

    @Test
    void aRedirectToAForbiddenSchemeOrPortIsRefused() {
        UrlImageFetcher fetcher = allowingLoopback(Map.of());

        assertForbidden(failure(fetcher.fetch(redirectTo("http://127.0.0.1:1/image"))), "port 1");
        assertForbidden(failure(fetcher.fetch(redirectTo("file:///etc/passwd"))), "only https and http");
        assertForbidden(failure(fetcher(Map.of("sources.url.allowed-networks", "127.0.0.0/8",
                "sources.url.allowed-ports", plain.port() + "," + localhostTls.port(),
                "sources.url.trust-certificates", trustedCertificates().toString()))
                .fetch(localhostTls.url("https", "localhost", "/to?location="
                        + URLEncoder.encode(plain.url("http", "127.0.0.1", "/image").toString(), StandardCharsets.UTF_8)))),
                "only https");
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private static URI redirectTo(String location) {
        return plain.url("http", "127.0.0.1", "/to?location=" + URLEncoder.encode(location, StandardCharsets.UTF_8));
    }

    private static void assertForbidden(ProblemException problem, String detail) {
        assertThat(problem.type()).isEqualTo(ProblemType.SOURCE_FORBIDDEN);
        assertThat(problem.type().status()).isEqualTo(400);
        assertThat(problem.getMessage()).contains(detail);
    }

    /** The service's defaults, nothing allowed beyond them. */
    private static UrlImageFetcher defaults() {
        return fetcher(Map.of());
    }

    /** Loopback, the test hosts' ports, http and the test certificates allowed; images capped at 1 MiB. */
    private static UrlImageFetcher allowingLoopback(Map<String, String> more) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "sources.url.allowed-networks", "127.0.0.0/8,::1/128",
                "sources.url.allow-http", "true",
                "sources.url.allowed-ports", plain.port() + "," + localhostTls.port() + "," + otherNameTls.port(),
                "sources.url.trust-certificates", trustedCertificates().toString()));
        properties.putAll(more);
        return fetcher(properties);
    }

    private static UrlImageFetcher fetcher(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 100, new DurationConverter()) // Quarkus' "5s", as the service reads it
                .withMapping(SourcesConfig.class)
                .withMapping(ImagesConfig.class)
                .withDefaultValue("images.max-file-bytes", Long.toString(CAP))
                .withDefaultValues(properties)
                .build();
        return new UrlImageFetcher(vertx, config.getConfigMapping(SourcesConfig.class),
                config.getConfigMapping(ImagesConfig.class), "9.9.9-test");
    }

    private static Path trustedCertificates() {
        try {
            return Path.of(Objects.requireNonNull(UrlImageFetcherTest.class.getResource("/tls/source-trusted.pem")).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(WAIT);
    }

    private static ProblemException failure(Uni<?> uni) {
        ProblemException problem = catchThrowableOfType(() -> uni.await().atMost(WAIT), ProblemException.class);
        assertThat(problem).as("the fetch failed with a problem").isNotNull();
        return problem;
    }
}

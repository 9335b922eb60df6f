package dev.visionapi.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** What a URL that passes the checks before any lookup becomes: the host as certificates name it, port, request line. */
class SourceUrlTest {

    @Test
    void aHostNameIsKeptForTheLookupInLowerCaseWithTheDefaultPort() {
        SourceUrl url = SourceUrl.check(URI.create("HTTPS://Images.Example.ORG/cats/a%20b.png?size=large&sig=x#top"),
                false, Set.of());

        assertThat(url.https()).isTrue();
        assertThat(url.host()).isEqualTo("images.example.org");
        assertThat(url.literal()).isEmpty();
        assertThat(url.port()).isEqualTo(443);
        assertThat(url.pathAndQuery()).isEqualTo("/cats/a%20b.png?size=large&sig=x");
        assertThat(url.shown()).isEqualTo("HTTPS://Images.Example.ORG/cats/a%20b.png");
    }

    @Test
    void anInternationalisedHostNameIsLookedUpInItsAsciiForm() {
        SourceUrl url = SourceUrl.check(URI.create("https://bücher.example/"), false, Set.of());

        assertThat(url.host()).isEqualTo("xn--bcher-kva.example");
    }

    @Test
    void addressLiteralsAreParsedNotLookedUp() throws UnknownHostException {
        assertThat(SourceUrl.check(URI.create("https://[2001:db8::1]/a.png"), false, Set.of()).literal())
                .contains(InetAddress.getByName("2001:db8::1"));
        assertThat(SourceUrl.check(URI.create("https://192.0.2.7/a.png"), false, Set.of()).literal())
                .contains(InetAddress.getByName("192.0.2.7"));
    }

    @Test
    void anEmptyPathIsTheRootAndAllowedPortsAndHttpOpenWhatTheyName() {
        SourceUrl url = SourceUrl.check(URI.create("http://images.internal:8080"), true, Set.of(8080));

        assertThat(url.https()).isFalse();
        assertThat(url.port()).isEqualTo(8080);
        assertThat(url.pathAndQuery()).isEqualTo("/");
        assertThat(url.literal()).isEqualTo(Optional.empty());
        assertThat(SourceUrl.check(URI.create("http://images.internal/"), true, Set.of()).port()).isEqualTo(80);
    }
}

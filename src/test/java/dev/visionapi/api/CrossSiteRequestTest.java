package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.image.TestImages;
import dev.visionapi.security.RawRequest;
import dev.visionapi.security.RawRequest.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A browser on another site cannot make state-changing requests: a form posted from elsewhere is a CORS "simple"
 * request, sent without a preflight. Requests from the service's own page and from clients that are not browsers pass.
 */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class CrossSiteRequestTest {

    @TestHTTPResource("/")
    URL server;

    private String ownOrigin() {
        return "http://" + server.getHost() + ":" + server.getPort();
    }

    private RawRequest analysis() {
        MultipartBody form = new MultipartBody().field("preset", "caption").file("image", "cat.png", TestImages.CAT_PNG);
        return RawRequest.post("/v1/analyses", MultipartBody.CONTENT_TYPE, form.bytes());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"https://attacker.example", "null", "http://localhost.attacker.example", "https://localhost"})
    void aFormPostedFromAnotherOriginIsRefused(String origin) {
        Reply reply = analysis().header("Origin", origin).sendTo(server);
        assertCrossSite(reply);
    }

    @Test
    void withoutOriginSecFetchSiteCrossSiteIsRefused() {
        assertCrossSite(analysis().header("Sec-Fetch-Site", "cross-site").sendTo(server));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"PUT, /v1/analyses", "DELETE, /v1/models", "PATCH, /v1/invented", "POST, /v1;x/analyses",
            "POST, /nowhere"})
    void everyStateChangingMethodAndPathIsCovered(String method, String path) {
        assertCrossSite(RawRequest.of(method, path).header("Origin", "https://attacker.example").sendTo(server));
    }

    @Test
    void theServicesOwnOriginAndNonBrowsersPass() {
        bedrock().reset();
        Reply own = analysis().header("Origin", ownOrigin()).header("Sec-Fetch-Site", "same-origin").sendTo(server);
        assertThat(own.status()).as(own.toString()).isEqualTo(200);
        Reply upperCase = analysis().header("Origin", ownOrigin().toUpperCase(Locale.ROOT)).sendTo(server);
        assertThat(upperCase.status()).as("scheme and host compare without case").isEqualTo(200);
        Reply curl = analysis().sendTo(server);
        assertThat(curl.status()).as(curl.toString()).isEqualTo(200);
    }

    @Test
    void readsFromOtherOriginsAreNotRefused() {
        Reply reply = RawRequest.get("/v1/models").header("Origin", "https://attacker.example")
                .header("Sec-Fetch-Site", "cross-site").sendTo(server);
        assertThat(reply.status()).isEqualTo(200);
    }

    private static void assertCrossSite(Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(403);
        assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
        assertThat(reply.body()).contains("\"type\":\"urn:visionapi:problem:cross-site-request\"")
                .contains("\"status\":403");
    }
}

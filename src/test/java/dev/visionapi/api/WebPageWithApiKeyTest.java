package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** When the service requires an API key, the page asks for one and then works with it. */
@QuarkusTest
@TestProfile(WebPageWithApiKeyTest.WithKey.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class WebPageWithApiKeyTest {

    public static class WithKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("auth.api-keys", "page-key-5e1d");
        }
    }

    @TestHTTPResource("/")
    URL page;

    @Test
    void thePageAsksForTheKeyAndUsesIt() {
        bedrock().reset();
        try (Playwright playwright = Chromium.playwright(); Browser browser = Chromium.launch(playwright)) {
            Page tab = browser.newPage();
            tab.navigate(page.toString());
            tab.waitForSelector("#key-form:not([hidden])");
            tab.fill("#api-key", "page-key-5e1d");
            tab.press("#api-key", "Enter");
            tab.waitForSelector("[data-sample='cat-chelsea'] img[src^='blob:']");
            tab.click("[data-sample='cat-chelsea']");
            tab.selectOption("#preset", "caption");
            tab.click("#go");
            tab.waitForSelector("#usage:not(:empty)");
            assertThat(tab.isHidden("#key-form")).isTrue();
            assertThat(bedrock().calls()).hasSize(1);
        }
    }
}

package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.FilePayload;
import com.microsoft.playwright.options.WaitForSelectorState;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.EmulatorReply;
import dev.visionapi.bedrock.emulator.ScriptedBedrock.Reply;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The web page at {@code /}, driven in a real headless Chromium (see {@link Chromium}). */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class WebPageTest {

    private static final String ANSWER = "A tabby cat with striking green eyes lies on a soft grey blanket in warm light.";

    private static Playwright playwright;
    private static Browser browser;

    @TestHTTPResource("/")
    URL page;

    private BrowserContext context;
    private Page tab;
    private final List<String> consoleErrors = new ArrayList<>();

    @BeforeAll
    static void launchBrowser() {
        playwright = Chromium.playwright();
        browser = Chromium.launch(playwright);
    }

    @AfterAll
    static void closeBrowser() {
        if (playwright != null) {
            playwright.close();
        }
    }

    @BeforeEach
    void openPage() {
        bedrock().reset();
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 900));
        tab = context.newPage();
        tab.onConsoleMessage(message -> {
            if ("error".equals(message.type())) {
                consoleErrors.add(message.text());
            }
        });
        tab.navigate(page.toString());
        tab.waitForSelector("[data-sample='cat-chelsea']");
        tab.waitForSelector("#preset option[value='caption']", new Page.WaitForSelectorOptions()
                .setState(WaitForSelectorState.ATTACHED));
    }

    @AfterEach
    void closePage() {
        context.close();
    }

    @Test
    void aSampleAndAPresetStreamTheAnswerThenShowTheUsage() {
        bedrock().next(new Reply(EmulatorReply.answer(ANSWER, 1366, 19).withChunkDelay(Duration.ofMillis(80))));

        // Keyboard only: a sample, the preset, Go.
        tab.focus("[data-sample='cat-chelsea']");
        tab.keyboard().press("Enter");
        assertThat(tab.getAttribute("[data-sample='cat-chelsea']", "aria-pressed")).isEqualTo("true");
        tab.selectOption("#preset", "caption");
        assertThat(tab.inputValue("#prompt")).startsWith("Write a brief caption");
        tab.focus("#go");
        tab.keyboard().press("Enter");

        // Part of the answer is on screen before the usage line: the text streams in.
        tab.waitForFunction("() => document.getElementById('answer').textContent.length > 0");
        String partial = tab.textContent("#answer");
        String usageMeanwhile = tab.textContent("#usage");
        tab.waitForSelector("#usage:not(:empty)");
        assertThat(partial.length()).isLessThan(ANSWER.length());
        assertThat(usageMeanwhile).isEmpty();
        assertThat(tab.textContent("#answer")).isEqualTo(ANSWER);
        assertThat(tab.textContent("#usage")).contains("1366 in", "19 out", "1385 total");
        assertThat(bedrock().lastCall().streaming()).isTrue();
        assertThat(consoleErrors).as("console errors, CSP violations included").isEmpty();
        tab.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "web-page.png")).setFullPage(true));
    }

    @Test
    void anUploadedImageIsPreviewedAndAnalysed() {
        tab.setInputFiles("#files", new FilePayload("rocket.jpg", "image/jpeg", TestImages.ROCKET_JPEG));
        tab.waitForSelector("#previews img[alt='Preview of rocket.jpg']");
        tab.selectOption("#preset", "question");
        tab.fill("#parameter-question", "Is there a rocket?");
        tab.click("#go");
        tab.waitForSelector("#usage:not(:empty)");
        assertThat(tab.textContent("#answer")).contains("Question: Is there a rocket?");
        assertThat(bedrock().lastCall().imageCount()).isEqualTo(1);
        assertThat(consoleErrors).isEmpty();
    }

    @Test
    void anErrorIsShownAsReadableText() {
        tab.setInputFiles("#files", new FilePayload("notes.png", "image/png",
                "shopping list: milk, eggs".getBytes(StandardCharsets.UTF_8)));
        tab.selectOption("#preset", "caption");
        tab.click("#go");
        tab.waitForSelector("#error:not([hidden])");
        assertThat(tab.textContent("#error")).contains("Unsupported media type", "'notes.png' is not a PNG");
        assertThat(tab.textContent("#answer")).isEmpty();
        assertThat(bedrock().calls()).isEmpty();
    }

    @Test
    void aBedrockFailureMidStreamIsShownAfterThePartialAnswer() {
        bedrock().next(new Reply(EmulatorReply.answer(ANSWER, 1366, 19)
                .failingMidStream(4, "modelStreamErrorException", "The model stopped")));
        tab.click("[data-sample='food-coffee']");
        tab.selectOption("#preset", "caption");
        tab.click("#go");
        tab.waitForSelector("#error:not([hidden])");
        assertThat(tab.textContent("#error")).contains("Bedrock failed");
        assertThat(tab.textContent("#usage")).isEmpty();
    }

    @Test
    void thePageFitsAPhoneScreen() {
        tab.setViewportSize(390, 844);
        int pageWidth = ((Number) tab.evaluate("() => document.documentElement.scrollWidth")).intValue();
        assertThat(pageWidth).as("no horizontal scrolling").isLessThanOrEqualTo(390);
        assertThat(tab.isVisible("#go")).isTrue();
        tab.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "web-page-phone.png")).setFullPage(true));
    }

    @Test
    void everyImageAndControlIsLabelled() {
        Object unlabelled = tab.evaluate("""
                () => [...document.querySelectorAll('img:not([alt]), img[alt=""]')].length
                    + [...document.querySelectorAll('input, select, textarea')]
                        .filter(control => !control.labels || control.labels.length === 0).length""");
        assertThat(((Number) unlabelled).intValue()).isZero();
    }
}

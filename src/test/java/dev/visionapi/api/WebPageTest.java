package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Request;
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
        // Claude Sonnet 4.5 (the default) at $3 / $15 per million: 1366 × 3 + 19 × 15 = 4,383 millionths.
        assertThat(tab.textContent("#usage")).contains("estimated cost $0.0044", "Claude Sonnet 4.5");
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
    void imageUrlsAreSentAsTheFormsImageUrlFields() {
        tab.click("[data-sample='cat-chelsea']");
        // An internal address: the service refuses it, which shows the URL was sent as an image (and no sample).
        tab.fill("#image-urls", "https://10.0.0.1/cat.png\n");
        assertThat(tab.getAttribute("[data-sample='cat-chelsea']", "aria-pressed")).isEqualTo("false");
        tab.selectOption("#preset", "caption");
        tab.click("#go");
        tab.waitForSelector("#error:not([hidden])");
        assertThat(tab.textContent("#error")).contains("Image source not allowed");
        assertThat(bedrock().calls()).isEmpty();
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

    @ParameterizedTest(name = "{0} × {1}")
    @CsvSource({"1280, 900", "1440, 800", "390, 844"})
    void theAnswerIsInViewWhenItArrives(int width, int height) {
        tab.setViewportSize(width, height);
        bedrock().next(new Reply(EmulatorReply.answer(ANSWER, 1366, 19)));
        tab.click("[data-sample='cat-chelsea']");
        tab.selectOption("#preset", "caption");
        // A user who scrolled down to the end of the form, where Go is.
        tab.evaluate("() => document.getElementById('analysis-form').scrollIntoView({block: 'end'})");
        tab.click("#go");
        tab.waitForSelector("#usage:not(:empty)");
        assertThat(tab.textContent("#answer")).isEqualTo(ANSWER);
        assertThat(topIsInViewport("#answer")).as("the answer's first line is on screen").isTrue();
        assertThat(topIsInViewport("#usage")).as("the usage line is on screen").isTrue();
        tab.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "web-page-answer-" + width + "x" + height + ".png")));
    }

    @Test
    void anErrorIsInViewWhenItArrivesOnAPhone() {
        tab.setViewportSize(390, 844);
        tab.click("[data-sample='cat-chelsea']");
        tab.click("#go");
        tab.waitForSelector("#error:not([hidden])");
        assertThat(topIsInViewport("#error")).isTrue();
    }

    @Test
    void modelsAreListedByName() {
        assertThat(tab.evaluate("() => document.querySelector('#model option:checked').textContent"))
                .isEqualTo("Claude Sonnet 4.5 (default)");
        assertThat(tab.evaluate("() => document.querySelector('#model option:checked').value"))
                .isEqualTo("us.anthropic.claude-sonnet-4-5-20250929-v1:0");
        assertThat(tab.evaluate("""
                () => document.querySelector('#model option[value="us.anthropic.claude-haiku-4-5-20251001-v1:0"]')
                    .textContent""")).isEqualTo("Claude Haiku 4.5");
        Object rawIds = tab.evaluate("""
                () => [...document.querySelectorAll('#model option')]
                    .filter(option => option.textContent.startsWith('us.')).length""");
        assertThat(((Number) rawIds).intValue()).as("options showing an inference-profile ID").isZero();
    }

    @Test
    void noPresetShowsRawPlaceholders() {
        @SuppressWarnings("unchecked")
        List<String> presetIds = (List<String>) tab.evaluate(
                "() => [...document.querySelectorAll('#preset option')].map(option => option.value).filter(v => v)");
        assertThat(presetIds).contains("question", "translation", "classification", "content-match");
        for (String presetId : presetIds) {
            tab.selectOption("#preset", presetId);
            assertThat(tab.inputValue("#prompt")).as(presetId + " prompt").doesNotContain("{{", "}}");
            assertThat(visibleText()).as(presetId + " page text").doesNotContain("{{", "}}");
        }

        tab.selectOption("#preset", "question");
        assertThat(tab.inputValue("#prompt")).endsWith("Question: [question]");
        tab.fill("#parameter-question", "How many cats?");
        assertThat(tab.inputValue("#prompt")).endsWith("Question: How many cats?");
        assertThat(tab.textContent("#prompt-note")).as("a filled-in preset is still the preset").isEmpty();

        tab.selectOption("#preset", "translation");
        assertThat(tab.inputValue("#prompt")).contains("translate it into French");
    }

    @Test
    void aFilledInPresetIsSentAsThePreset() {
        tab.click("[data-sample='cat-chelsea']");
        tab.selectOption("#preset", "translation");
        tab.fill("#parameter-language", "German");
        Request sent = tab.waitForRequest("**/v1/analyses", () -> tab.click("#go"));
        tab.waitForSelector("#usage:not(:empty)");
        assertThat(sent.postData()).contains("name=\"preset\"\r\n\r\ntranslation", "name=\"language\"\r\n\r\nGerman")
                .doesNotContain("name=\"prompt\"");
        assertThat(bedrock().lastCall().prompt()).contains("translate it into German");
    }

    @Test
    void aFileThatIsNotAnImageGetsNoBrokenPreview() {
        tab.setInputFiles("#files", new FilePayload[] {
                new FilePayload("notes.txt", "text/plain", "shopping list".getBytes(StandardCharsets.UTF_8)),
                new FilePayload("fake.png", "image/png", "not a png".getBytes(StandardCharsets.UTF_8))});
        tab.waitForSelector("#previews li:nth-child(2) .no-preview");
        assertThat(tab.textContent("#previews")).contains("notes.txt", "fake.png", "No preview");
        Object images = tab.evaluate("() => document.querySelectorAll('#previews img').length");
        assertThat(((Number) images).intValue()).as("preview images left").isZero();
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
    void aJobOfTheSamplesShowsItsProgressThenItsResults() {
        int samples = ((Number) tab.evaluate("() => document.querySelectorAll('#samples button').length")).intValue();
        // Every text the status line shows, recorded in the page as it changes.
        tab.evaluate("""
                () => {
                    window.jobStatuses = [];
                    const status = document.getElementById('job-status');
                    new MutationObserver(() => status.textContent && window.jobStatuses.push(status.textContent))
                        .observe(status, {childList: true, characterData: true, subtree: true});
                }""");
        tab.check("#job-all-samples");
        tab.selectOption("#preset", "caption");
        tab.focus("#start-job");
        Request sent = tab.waitForRequest("**/v1/jobs", () -> tab.keyboard().press("Enter"));
        tab.waitForSelector("#job-status:has-text('Job completed')", new Page.WaitForSelectorOptions().setTimeout(60_000));
        tab.waitForFunction("n => document.querySelectorAll('#job-results li').length === n", samples);

        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.postData()).contains("\"preset\":\"caption\"", "{\"sample\":\"cat-chelsea\"}");
        @SuppressWarnings("unchecked")
        List<String> statuses = (List<String>) tab.evaluate("() => window.jobStatuses");
        assertThat(statuses).first().isEqualTo("Job queued: 0 of " + samples + " images done");
        assertThat(statuses).last().isEqualTo("Job completed: " + samples + " of " + samples + " images done");
        assertThat(tab.getAttribute("#job-status", "aria-live")).isEqualTo("polite");
        assertThat(tab.evaluate("() => [document.getElementById('job-progress').value, "
                + "document.getElementById('job-progress').max]")).isEqualTo(List.of(samples, samples));
        assertThat(tab.textContent("#job-counts")).contains(samples + " succeeded", "0 failed", "0 pending", "on-demand");
        assertThat(tab.textContent("#job-usage")).containsPattern("Tokens: [1-9][0-9]* in");
        assertThat(tab.isDisabled("#cancel-job")).as("nothing left to cancel").isTrue();
        assertThat(tab.textContent("#job-results li:first-child")).startsWith("#0 sample:");
        assertThat(tab.isHidden("#answer")).isTrue();
        assertThat(tab.textContent("#result-title")).isEqualTo("Job");
        assertThat(tab.textContent("#job-id")).matches("ID [0-9a-f-]{36}");
        assertThat(consoleErrors).isEmpty();
        tab.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "web-page-job.png")).setFullPage(true));
    }

    @Test
    void theJobListOpensAJobWhoseResultsArePagedAndOlderJobsLoadOnRequest() {
        // 150 items: more than the page shows at first; then 20 small jobs, so that the big one is on the second page.
        String items = String.join(",", java.util.Collections.nCopies(150, "{\"sample\":\"cat-chelsea\"}"));
        String big = given().contentType("application/json")
                .body("{\"source\":{\"images\":[" + items + "]},\"preset\":\"caption\",\"engine\":\"on-demand\"}")
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        awaitTrue(() -> "completed".equals(given().get("/v1/jobs/" + big).then().extract().path("status")));
        for (int i = 0; i < 20; i++) {
            given().contentType("application/json")
                    .body("{\"source\":{\"images\":[{\"sample\":\"cat-chelsea\"}]},\"preset\":\"caption\"}")
                    .post("/v1/jobs").then().statusCode(202);
        }

        tab.click("#jobs summary");
        tab.waitForFunction("() => document.querySelectorAll('#job-list .job-entry').length === 20");
        assertThat(tab.isVisible("#older-jobs")).isTrue();
        assertThat(tab.locator("[data-job='" + big + "']").count()).as("on the second page").isZero();
        tab.click("#older-jobs");
        tab.waitForSelector("[data-job='" + big + "']");
        assertThat(tab.textContent("[data-job='" + big + "']")).contains("caption", "completed", "150 of 150 done");

        tab.click("[data-job='" + big + "']");
        tab.waitForFunction("() => document.querySelectorAll('#job-results li').length === 100");
        assertThat(tab.textContent("#job-status")).isEqualTo("Job completed: 150 of 150 images done");
        assertThat(tab.textContent("#job-id")).isEqualTo("ID " + big);
        assertThat(tab.isVisible("#more-results")).isTrue();
        tab.click("#more-results");
        tab.waitForFunction("() => document.querySelectorAll('#job-results li').length === 150");
        assertThat(tab.textContent("#job-results li:last-child")).startsWith("#149 sample:cat-chelsea");
        assertThat(tab.isHidden("#more-results")).as("every result shown").isTrue();
        assertThat(consoleErrors).isEmpty();
    }

    @Test
    void aJobIsCancelledFromThePage() {
        bedrock().latency(Duration.ofSeconds(3));
        tab.click("[data-sample='cat-chelsea']");
        tab.selectOption("#preset", "caption");
        tab.click("#start-job");
        tab.waitForSelector("#job-status:not(:empty)");
        // Cancelled while its one image is with the model: nothing is pending, the image under way finishes.
        awaitTrue(() -> bedrock().calls().size() == 1);
        tab.click("#cancel-job");
        tab.waitForSelector("#job-status:has-text('Job cancelled')");
        assertThat(tab.isDisabled("#cancel-job")).isTrue();
        assertThat(tab.isVisible("#error")).isFalse();
        assertThat(consoleErrors).isEmpty();
        String id = tab.textContent("#job-id").replace("ID ", "");
        awaitTrue(() -> given().get("/v1/jobs/" + id).then().extract().<Integer>path("counts.succeeded") == 1);
    }

    @Test
    void aFailedItemShowsItsProblemInTheResults() {
        // An internal address: the item fails with the problem /v1/analyses would have answered; the job completes.
        tab.fill("#image-urls", "https://10.0.0.1/cat.png");
        tab.selectOption("#preset", "caption");
        tab.click("#start-job");
        tab.waitForSelector("#job-status:has-text('Job completed')");
        tab.waitForSelector("#job-results li.error");
        assertThat(tab.textContent("#job-results li")).startsWith("#0 https://10.0.0.1/cat.png — ")
                .contains("Image source not allowed");
        assertThat(tab.textContent("#job-counts")).contains("0 succeeded", "1 failed");
    }

    @Test
    void aJobTheServiceRefusesShowsItsProblem() {
        tab.click("[data-sample='cat-chelsea']");
        tab.selectOption("#preset", "question");
        tab.click("#start-job");
        tab.waitForSelector("#error:not([hidden])");
        assertThat(tab.textContent("#error")).contains("Invalid request", "question");
        assertThat(tab.textContent("#job-status")).isEmpty();

        // Uploaded files are not a job's images: the page says so without asking the service.
        tab.fill("#image-urls", "");
        tab.setInputFiles("#files", new FilePayload("rocket.jpg", "image/jpeg", TestImages.ROCKET_JPEG));
        Object jobRequests = tab.evaluate("() => performance.getEntriesByType('resource')"
                + ".filter(entry => entry.name.endsWith('/v1/jobs')).length");
        tab.click("#start-job");
        tab.waitForSelector("#error:has-text('uploaded files are analysed with Go')");
        assertThat(tab.evaluate("() => performance.getEntriesByType('resource')"
                + ".filter(entry => entry.name.endsWith('/v1/jobs')).length")).isEqualTo(jobRequests);
        assertThat(bedrock().calls()).isEmpty();
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition not met in time").isNegative();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Whether the element's top edge lies within the window, as a user would see it now. */
    private boolean topIsInViewport(String selector) {
        return (Boolean) tab.evaluate("""
                selector => {
                    const box = document.querySelector(selector).getBoundingClientRect();
                    return box.height > 0 && box.top >= 0 && box.top < window.innerHeight;
                }""", selector);
    }

    private String visibleText() {
        return (String) tab.evaluate("() => document.body.innerText");
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

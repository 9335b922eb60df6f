package dev.visionapi.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;

/**
 * Headless Chromium for the browser tests: Debian's {@code /usr/bin/chromium} when present, otherwise the browser
 * Playwright provisions itself. With neither, launching fails and so does the test; it is never skipped.
 */
final class Chromium {

    private static final Path SYSTEM_CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String INSTALL_HINT = "install Debian's chromium (apt-get install chromium) "
            + "or allow Playwright to download its browser (needs internet)";

    private Chromium() {
    }

    static Playwright playwright() {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (Files.isExecutable(SYSTEM_CHROMIUM)) {
            env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        }
        try {
            return Playwright.create(new Playwright.CreateOptions().setEnv(env));
        } catch (PlaywrightException e) {
            // Without Debian's Chromium, creating Playwright downloads its browser, which fails offline.
            throw new IllegalStateException("No Chromium for the browser tests: " + INSTALL_HINT
                    + " (.ci/run installs it). Playwright said: " + e.getMessage(), e);
        }
    }

    static Browser launch(Playwright playwright) {
        BrowserType.LaunchOptions options = new BrowserType.LaunchOptions().setHeadless(true)
                // Chromium's own background traffic would only meet this machine's closed network.
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync"));
        if (Files.isExecutable(SYSTEM_CHROMIUM)) {
            options.setExecutablePath(SYSTEM_CHROMIUM);
        }
        try {
            return playwright.chromium().launch(options);
        } catch (PlaywrightException e) {
            throw new IllegalStateException("No Chromium for the browser tests: " + INSTALL_HINT
                    + " (.ci/run installs it). Playwright said: " + e.getMessage(), e);
        }
    }
}

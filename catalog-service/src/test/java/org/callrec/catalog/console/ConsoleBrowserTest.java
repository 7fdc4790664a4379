package org.callrec.catalog.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.callrec.catalog.Api.createKey;
import static org.callrec.catalog.Api.createTenant;
import static org.callrec.catalog.Api.operator;
import static org.callrec.catalog.Api.uniqueTenant;
import static org.callrec.catalog.Api.withKey;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.callrec.catalog.CatalogInfraResource;
import org.callrec.catalog.recording.Archive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The console in a real headless Chromium (Debian's chromium and chromium-driver, Selenium):
 * sign in with a tenant key, search, open the recording, play until {@code currentTime}
 * advances, seek, download, hold and see the delete refused, release, delete. It also measures
 * the console's load time (navigation start to the first rendered search results) and prints it
 * as {@code CONSOLE-LOAD ms=<n>}.
 *
 * <p>Skipped when {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} is missing, unless the environment
 * says {@code CALLREC_REQUIRE_BROWSER=true} (CI, which installs both): then it fails.
 */
@QuarkusTest
@QuarkusTestResource(CatalogInfraResource.class)
class ConsoleBrowserTest {

    /** The browser and its driver (system properties {@code callrec.chromium}, {@code callrec.chromedriver} override). */
    static final String CHROMIUM = System.getProperty("callrec.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("callrec.chromedriver", "/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(20);
    static final int LOAD_RUNS = 5;

    @TestHTTPResource("/")
    URL base;

    CatalogInfraResource infra;
    Archive archive;
    WebDriver driver;
    Path profile;
    Path downloads;

    @BeforeEach
    void startBrowser() throws IOException {
        boolean present = Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
        if (!present) {
            String why = CHROMIUM + " or " + CHROMEDRIVER + " is missing (apt-get install chromium chromium-driver)";
            if ("true".equals(System.getenv("CALLREC_REQUIRE_BROWSER"))) {
                Assertions.fail(why + ", and CALLREC_REQUIRE_BROWSER=true");
            }
            Assumptions.abort(why + ": the browser test is skipped");
        }
        profile = Files.createTempDirectory("console-chromium-profile");
        downloads = Files.createTempDirectory("console-downloads");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--autoplay-policy=no-user-gesture-required", "--window-size=1280,900",
                "--user-data-dir=" + profile);
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("download.default_directory", downloads.toString());
        prefs.put("download.prompt_for_download", false);
        prefs.put("safebrowsing.enabled", false);
        options.setExperimentalOption("prefs", prefs);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        // the driver given here: Selenium Manager is never asked to download one (no internet in CI)
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        archive = new Archive(infra);
    }

    @AfterEach
    void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
        if (archive != null) {
            archive.close();
        }
        deleteQuietly(profile);
        deleteQuietly(downloads);
    }

    @Test
    void signInSearchPlaySeekDownloadHoldAndDelete() throws Exception {
        String tenant = uniqueTenant("console");
        createTenant(tenant);
        String key = createKey(tenant, "recordings:read", "audio:listen", "audio:download", "recordings:delete",
                "holds:manage");
        Archive.Stored rec = archive.record(Archive.Call.of(tenant, Instant.now().minus(1, ChronoUnit.HOURS)
                .truncatedTo(ChronoUnit.SECONDS), "201", "+4930555123").segments(6.0));
        Archive.Stored other = archive.record(Archive.Call.of(tenant, Instant.now().minus(2, ChronoUnit.HOURS)
                .truncatedTo(ChronoUnit.SECONDS), "202", "+4940777"));
        for (String id : List.of(rec.id(), other.id())) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> withKey(key).get("/api/v1/recordings/" + id).statusCode() == 200);
        }
        try {
            run(key, rec);
        } catch (Throwable t) {
            screenshot("failure");
            throw t;
        }
    }

    private void run(String key, Archive.Stored rec) throws Exception {
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        JavascriptExecutor js = (JavascriptExecutor) driver;

        // sign in: the key goes to sessionStorage, the nav shows what the scopes allow
        driver.get(base.toString());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key"))).sendKeys(key);
        driver.findElement(By.id("signin")).click();
        wait.until(d -> d.findElements(By.cssSelector("#results tbody tr")).size() == 2);
        assertThat(driver.findElement(By.id("nav")).getText()).contains("Recordings").doesNotContain("Devices")
                .doesNotContain("Tenants");
        assertThat(js.executeScript("return sessionStorage.getItem('callrec.key')")).isEqualTo(key);
        assertThat(js.executeScript("return localStorage.length")).isEqualTo(0L);

        // search by number
        driver.findElement(By.id("number")).sendKeys("+4930555123");
        driver.findElement(By.id("search")).click();
        wait.until(d -> d.getCurrentUrl().contains("number=%2B4930555123")
                && d.findElements(By.cssSelector("#results tbody tr")).size() == 1);
        WebElement row = driver.findElement(By.cssSelector("#results tbody tr"));
        assertThat(row.getText()).contains("+4930555123").contains("201").contains("0:06");
        screenshot("search");

        measureLoadTime(wait, js);

        // open it: metadata, quality, waveform, player
        driver.findElement(By.cssSelector("#results tbody tr a.open")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("meta")));
        assertThat(driver.findElement(By.id("meta")).getText()).contains(rec.id()).contains("Bob")
                .contains("stop-request");
        assertThat(driver.findElement(By.id("quality")).getText()).contains("Intact").contains("yes");
        wait.until(d -> "true".equals(d.findElement(By.id("player")).getDomAttribute("data-ready")));
        wait.until(d -> ((Number) js.executeScript(
                "const c = document.getElementById('waveform'); if (!c.width) return 0;"
                        + "const p = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                        + "let n = 0; for (let i = 3; i < p.length; i += 4) if (p[i]) n++; return n;")).longValue() > 100);

        // play until currentTime advances
        wait.until(d -> ((Number) js.executeScript("return document.getElementById('player').readyState")).intValue() >= 1);
        Object played = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "document.getElementById('player').play().then(() => done('ok'), e => done(String(e)));");
        assertThat(played).isEqualTo("ok");
        screenshot("recording");
        wait.until(d -> currentTime(js) > 0.5);
        System.out.println("Console player: WAV decoded by the "
                + driver.findElement(By.id("player")).getDomAttribute("data-decoded"));
        assertThat(((Number) js.executeScript("return document.getElementById('player').duration")).doubleValue())
                .isCloseTo(6.0, org.assertj.core.data.Offset.offset(0.1));

        // seek: paused, to 3.5 s, and it takes
        js.executeScript("const p = document.getElementById('player'); p.pause(); p.currentTime = 3.5;");
        wait.until(d -> !(Boolean) js.executeScript("return document.getElementById('player').seeking")
                && Math.abs(currentTime(js) - 3.5) < 0.05);
        js.executeScript("document.getElementById('player').play()");
        wait.until(d -> currentTime(js) > 3.7);
        js.executeScript("document.getElementById('player').pause()");

        // download: the presigned URL is asked for and navigated to; the browser saves the WAV
        driver.findElement(By.id("download")).click();
        Path saved = downloads.resolve(rec.id() + ".wav");
        await().atMost(WAIT).until(() -> Files.exists(saved) && Files.size(saved) == rec.files().get(0).length);
        assertThat(Files.readAllBytes(saved)).isEqualTo(rec.files().get(0));
        assertThat(driver.findElement(By.id("message")).getText()).contains("Download link valid until");
        assertThat(operator().get("/api/v1/audit?action=recording.download&tenant=" + rec.tenant())
                .jsonPath().getList("items.target")).containsExactly(rec.id());

        // hold: the delete is refused with the problem's detail
        driver.findElement(By.id("hold-reason")).sendKeys("case 42");
        driver.findElement(By.id("hold")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("held-state"), "under legal hold"));
        assertThat(driver.findElement(By.id("held-state")).getText()).contains("case 42");
        driver.findElement(By.id("delete")).click();
        driver.findElement(By.id("delete-confirm")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "legal hold"));
        assertThat(driver.findElement(By.id("message")).getDomAttribute("class")).isEqualTo("error");
        assertThat(withKey(key).get("/api/v1/recordings/" + rec.id()).statusCode()).isEqualTo(200);

        // release, then the delete goes through
        driver.findElement(By.id("release")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("held-state"), "not held"));
        driver.findElement(By.id("delete")).click();
        driver.findElement(By.id("delete-confirm")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Deleted " + rec.id()));
        assertThat(withKey(key).get("/api/v1/recordings/" + rec.id()).statusCode()).isEqualTo(404);

        // sign out: the key is gone from the tab
        driver.findElement(By.id("signout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key")));
        assertThat(js.executeScript("return sessionStorage.getItem('callrec.key')")).isNull();

        // the pages ran under the Content-Security-Policy without a violation
        List<String> violations = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getMessage().contains("Content Security Policy") || e.getMessage().contains("Refused to")) {
                violations.add(e.getMessage());
            }
        }
        assertThat(violations).isEmpty();

        // and the policy is enforced: an inline script does not run
        js.executeScript("const s = document.createElement('script'); s.textContent = 'window.cspProbe = 1';"
                + "document.head.append(s);");
        assertThat(js.executeScript("return window.cspProbe === undefined")).isEqualTo(true);
    }

    @Test
    void aTenantAdminManagesDevicesKeysWebhooksAndReadsTheAudit() throws Exception {
        String tenant = uniqueTenant("console-admin");
        createTenant(tenant);
        String key = createKey(tenant, "tenant:admin", "recordings:read");
        try {
            admin(tenant, key);
        } catch (Throwable t) {
            screenshot("admin-failure");
            throw t;
        }
    }

    private void admin(String tenant, String key) throws Exception {
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        signIn(wait, key);
        assertThat(driver.findElement(By.id("nav")).getText()).contains("Devices", "Keys", "Webhooks", "Audit")
                .doesNotContain("Tenants");

        // devices: a CSV from a file, imported in bulk; a bad one is refused row by row
        driver.findElement(By.id("nav-devices")).click();
        Path csv = downloads.resolve("devices.csv");
        Files.writeString(csv, "mac,label,enabled\n0c:38:3e:00:00:aa,Desk,true\n0c:38:3e:00:00:bb,Lobby,false\n");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("csv-file"))).sendKeys(csv.toString());
        wait.until(d -> d.findElement(By.id("csv")).getDomProperty("value").contains("Lobby"));
        driver.findElement(By.id("import")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Imported 2 devices"));
        wait.until(d -> d.findElements(By.cssSelector("#devices tbody tr")).size() == 2);
        assertThat(driver.findElement(By.id("devices")).getText()).contains("Desk", "Lobby");
        WebElement text = driver.findElement(By.id("csv"));
        text.clear();
        text.sendKeys("mac,label\nnot-a-mac,x\n");
        driver.findElement(By.id("import")).click();
        wait.until(d -> "error".equals(d.findElement(By.id("message")).getDomAttribute("class")));
        assertThat(driver.findElement(By.cssSelector("#message li")).getText()).contains("row");
        assertThat(driver.findElements(By.cssSelector("#devices tbody tr"))).hasSize(2);
        screenshot("devices");

        // keys: created with its scopes, shown once, revoked
        driver.findElement(By.id("nav-keys")).click();
        wait.until(d -> d.findElements(By.cssSelector("#keys tbody tr")).size() == 1);
        driver.findElement(By.cssSelector("input[name=scope][value='audio:listen']")).click();
        driver.findElement(By.id("create-key")).click();
        String secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-key"))).getText();
        assertThat(secret).startsWith("crk_");
        wait.until(d -> d.findElements(By.cssSelector("#keys tbody tr")).size() == 2);
        withKey(secret).get("/api/v1/me").then().statusCode(200);
        String newId = operator().get("/api/v1/tenants/" + tenant + "/keys").jsonPath()
                .getString("find { it.scopes == ['audio:listen'] }.id");
        driver.findElement(By.cssSelector("button.revoke[data-id='" + newId + "']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Key " + newId + " revoked"));
        wait.until(d -> d.findElements(By.cssSelector("#keys tbody tr")).size() == 1);
        withKey(secret).get("/api/v1/me").then().statusCode(401);

        // webhooks: created (the secret shown once), its deliveries, deleted
        driver.findElement(By.id("nav-webhooks")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("webhook-url")))
                .sendKeys("https://hooks.example.com/callrec");
        driver.findElement(By.id("create-webhook")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("webhook-secret"))).getText())
                .startsWith("whsec_");
        wait.until(d -> d.findElements(By.cssSelector("#webhooks tbody tr")).size() == 1);
        // a recording completes: its delivery (to a host that cannot be reached here) is listed
        Archive.Stored rec = archive.record(Archive.Call.of(tenant, Instant.now().truncatedTo(ChronoUnit.SECONDS),
                "301", "302"));
        String hook = operator().get("/api/v1/tenants/" + tenant + "/webhooks").jsonPath().getString("items[0].id");
        await().atMost(Duration.ofSeconds(30)).until(() -> !operator()
                .get("/api/v1/tenants/" + tenant + "/webhooks/" + hook + "/deliveries").jsonPath()
                .getList("items").isEmpty());
        driver.findElement(By.cssSelector("#webhooks button.deliveries")).click();
        wait.until(d -> d.findElements(By.cssSelector("#deliveries tbody tr")).size() == 1);
        assertThat(driver.findElement(By.id("deliveries")).getText())
                .contains("recording.completed", "rc-" + rec.id());
        driver.findElement(By.cssSelector("#webhooks button.danger")).click();
        wait.until(d -> d.findElements(By.cssSelector("#webhooks tbody tr")).isEmpty());

        // audit: what was just done, filtered by action, exported
        driver.findElement(By.id("nav-audit")).click();
        wait.until(d -> !d.findElements(By.cssSelector("#audit tbody tr")).isEmpty());
        assertThat(driver.findElement(By.id("audit")).getText()).contains("device.import", "key.create", "key.revoke");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("action"))).selectByValue("key.revoke");
        driver.findElement(By.id("audit-search")).click();
        wait.until(d -> d.getCurrentUrl().contains("action=key.revoke")
                && d.findElements(By.cssSelector("#audit tbody tr")).size() == 1);
        driver.findElement(By.id("export-csv")).click();
        Path export = downloads.resolve("audit.csv");
        await().atMost(WAIT).until(() -> Files.exists(export) && Files.readString(export).contains(newId));
        assertThat(Files.readString(export)).contains("key.revoke").doesNotContain("device.import");
    }

    @Test
    void theOperatorSeesTenantsAndUsageAndPicksATenant() throws Exception {
        String tenant = uniqueTenant("console-op");
        createTenant(tenant);
        try {
            WebDriverWait wait = new WebDriverWait(driver, WAIT);
            signIn(wait, org.callrec.catalog.Api.OPERATOR_KEY);
            assertThat(driver.findElement(By.id("whoami")).getText()).isEqualTo("operator");
            assertThat(driver.findElement(By.id("nav")).getText()).contains("Recordings", "Devices", "Tenants");
            // the recordings search has a tenant field for the operator
            assertThat(driver.findElements(By.id("tenant"))).hasSize(1);
            driver.findElement(By.id("nav-tenants")).click();
            wait.until(d -> !d.findElements(By.cssSelector("#tenants tbody tr")).isEmpty());
            driver.get(base + "#/usage/" + tenant);
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("active-now"), "Recording now: 0"));
            driver.get(base + "#/devices");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("page-tenant"))).sendKeys(tenant);
            driver.findElement(By.cssSelector("#view form button[type=submit]")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("devices")));
            assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Devices of " + tenant);
        } catch (Throwable t) {
            screenshot("operator-failure");
            throw t;
        }
    }

    private void signIn(WebDriverWait wait, String key) {
        driver.get(base.toString());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key"))).sendKeys(key);
        driver.findElement(By.id("signin")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signout")));
    }

    /**
     * Reloads the search page {@value #LOAD_RUNS} times (signed in: the key is in sessionStorage)
     * and reads the time from navigation start to the console's {@code results-rendered} mark, set
     * when the first results table is in the page.
     */
    private void measureLoadTime(WebDriverWait wait, JavascriptExecutor js) {
        List<Long> runs = new ArrayList<>();
        for (int i = 0; i < LOAD_RUNS; i++) {
            driver.navigate().refresh();
            wait.until(d -> (Boolean) js.executeScript("return performance.getEntriesByName('results-rendered').length > 0"));
            runs.add(Math.round(((Number) js.executeScript(
                    "return performance.getEntriesByName('results-rendered')[0].startTime")).doubleValue()));
        }
        assertThat(driver.findElements(By.cssSelector("#results tbody tr"))).hasSize(1);
        List<Long> sorted = runs.stream().sorted().toList();
        System.out.println("CONSOLE-LOAD ms=" + sorted.get(sorted.size() / 2) + " runs=" + runs
                + " (navigation start to the first rendered search results, median of " + LOAD_RUNS
                + " reloads, headless Chromium, same machine)");
    }

    private static double currentTime(JavascriptExecutor js) {
        return ((Number) js.executeScript("return document.getElementById('player').currentTime")).doubleValue();
    }

    /** A screenshot in target/console-screenshots (for a look at the pages; on a failure with the page's text). */
    private void screenshot(String name) {
        try {
            Path dir = Path.of("target", "console-screenshots");
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            System.out.println("Console screenshot: " + dir.resolve(name + ".png").toAbsolutePath());
            if (name.contains("failure")) {
                System.out.println("Page at " + driver.getCurrentUrl() + ":\n"
                        + driver.findElement(By.tagName("body")).getText());
            }
        } catch (Exception e) {
            System.out.println("No screenshot: " + e);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}

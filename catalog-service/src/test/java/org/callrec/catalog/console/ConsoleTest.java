package org.callrec.catalog.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.callrec.catalog.Api.createKey;
import static org.callrec.catalog.Api.createTenant;
import static org.callrec.catalog.Api.operator;
import static org.callrec.catalog.Api.uniqueTenant;
import static org.callrec.catalog.Api.withKey;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.callrec.catalog.CatalogInfraResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@code GET /api/v1/me}, and the console's files: served at /, under a strict CSP, nothing from elsewhere. */
@QuarkusTest
@QuarkusTestResource(CatalogInfraResource.class)
class ConsoleTest {

    static final String CSP = "default-src 'self'; media-src 'self' blob:; img-src 'self' data:; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    static final Path FILES = Path.of("src/main/resources/META-INF/resources");

    @Test
    void meTellsWhoTheKeyIs() {
        String t = uniqueTenant("me");
        createTenant(t);
        String key = createKey(t, "tenant:admin", "recordings:read");
        withKey(key).get("/api/v1/me").then().statusCode(200)
                .body("operator", equalTo(false)).body("tenant", equalTo(t))
                .body("scopes", equalTo(List.of("recordings:read", "tenant:admin")));
        operator().get("/api/v1/me").then().statusCode(200)
                .body("operator", equalTo(true)).body("tenant", nullValue())
                .body("scopes", equalTo(List.of("recordings:read", "audio:listen", "audio:download",
                        "recordings:delete", "holds:manage", "tenant:admin")));
        given().get("/api/v1/me").then().statusCode(401);
        withKey("crk_not-a-key").get("/api/v1/me").then().statusCode(401);
    }

    @Test
    void theConsoleIsServedAtTheRootUnderAStrictContentSecurityPolicy() {
        for (String path : List.of("/", "/index.html", "/console.js", "/api.js", "/dom.js", "/recording.js", "/wav.js",
                "/console.css")) {
            given().get(path).then().statusCode(200)
                    .header("Content-Security-Policy", CSP)
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "no-referrer");
        }
        given().get("/").then().contentType(containsString("text/html")).body(containsString("console.js"));
        given().get("/console.js").then().contentType(containsString("javascript"));
        // the API's answers are not pages: no console policy on them
        assertThat(operator().get("/api/v1/me").header("Content-Security-Policy")).isNull();
    }

    @Test
    void theConsoleLoadsNothingFromAnotherOriginAndNoInlineCode() throws IOException {
        Pattern external = Pattern.compile("(?i)(?:src|href)\\s*=\\s*[\"']?\\s*(?:https?:)?//|@import|url\\(\\s*[\"']?(?:https?:)?//"
                + "|import\\s[^;]*from\\s*[\"'](?:https?:)?//");
        Pattern inline = Pattern.compile("(?i)<script(?![^>]*\\bsrc=)[^>]*>|\\son[a-z]+\\s*=|style\\s*=\\s*[\"']|innerHTML|eval\\(");
        try (Stream<Path> files = Files.walk(FILES)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f);
                Matcher m = external.matcher(text);
                boolean found = m.find();
                assertThat(found).as("%s refers to another origin: %s", f, found ? m.group() : "").isFalse();
                if (f.toString().endsWith(".html")) {
                    assertThat(inline.matcher(text).find()).as("%s has inline script, handlers or styles", f).isFalse();
                } else if (f.toString().endsWith(".js")) {
                    assertThat(text).as(f.toString()).doesNotContain("innerHTML").doesNotContain("eval(");
                }
            }
        }
    }
}

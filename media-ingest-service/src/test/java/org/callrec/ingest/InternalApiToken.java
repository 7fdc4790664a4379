package org.callrec.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;

/**
 * The service credential of the tests: the token file {@code %test.ingest.api.token-file} names.
 * Registered as a Quarkus test callback, it makes every RestAssured call of every
 * {@code @QuarkusTest} of this module carry it, as control-service does; the tests of the check
 * itself ({@code InternalApiAuthTest}) use a client of their own.
 */
public final class InternalApiToken implements QuarkusTestBeforeEachCallback {

    /** Adds the header to each RestAssured request (a filter: a request spec would pin the port). */
    private static final Filter WITH_TOKEN = (request, response, ctx) -> {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", authorization());
        }
        return ctx.next(request, response);
    };

    /** The file, relative to the module (Surefire's working directory). */
    public static final Path FILE = Path.of("src/test/resources/internal-api-token");

    /** The token. */
    public static String token() {
        try {
            return Files.readString(FILE).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code Bearer <token>}. */
    public static String authorization() {
        return "Bearer " + token();
    }

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (!RestAssured.filters().contains(WITH_TOKEN)) {
            RestAssured.filters(WITH_TOKEN);
        }
    }
}

package org.callrec.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The catalog's admin API as an integrator calls it: JSON over HTTP with a bearer key. */
final class CatalogApi {

    /** An answer: status, body and ETag. */
    record Answer(int status, String body, String etag) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String key;

    CatalogApi(int port, String key) {
        this.base = "http://127.0.0.1:" + port;
        this.key = key;
    }

    /** The same API with another key. */
    CatalogApi as(String otherKey) {
        return new CatalogApi(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), otherKey);
    }

    Answer get(String path) {
        return send(request(path).GET());
    }

    Answer get(String path, String accept) {
        return send(request(path).header("Accept", accept).GET());
    }

    Answer post(String path, String contentType, String body) {
        return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Answer postJson(String path, String json) {
        return post(path, "application/json", json);
    }

    Answer put(String path, String json) {
        return send(request(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    Answer patch(String path, String json) {
        return send(request(path).header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    Answer delete(String path) {
        return send(request(path).DELETE());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        return key == null ? b : b.header("Authorization", "Bearer " + key);
    }

    private Answer send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r.headers().firstValue("ETag").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package org.callrec.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The repository's {@code docker-compose.yml}, read for what the container tests need from it:
 * the image each service runs, so that the tests start exactly the images the compose file
 * deploys and a version bump there reaches them without a second edit.
 */
final class ComposeFile {

    private ComposeFile() {
    }

    /** The compose file at the repository root ({@code callrec.root}, set by the build). */
    static Path path() {
        return Path.of(System.getProperty("callrec.root", "..")).resolve("docker-compose.yml").toAbsolutePath().normalize();
    }

    /** The {@code image:} of the top-level service {@code service}, e.g. {@code apache/kafka:4.1.2} for kafka. */
    static String image(String service) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean inServices = false;
        boolean inService = false;
        for (String line : lines) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            if (!line.startsWith(" ")) {
                inServices = line.startsWith("services:");
                inService = false;
            } else if (inServices && line.startsWith("  ") && !line.startsWith("   ")) {
                inService = line.strip().equals(service + ":");
            } else if (inService && line.strip().startsWith("image:")) {
                return line.strip().substring("image:".length()).strip();
            }
        }
        throw new IllegalStateException("no image for service " + service + " in " + path());
    }
}

package org.callrec.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the repository under test (system property {@code callrec.root}, set by the pom). */
final class Repo {

    private Repo() {
    }

    /** The repository root. */
    static Path root() {
        String root = System.getProperty("callrec.root");
        Path path = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
        return path.toAbsolutePath().normalize();
    }

    /** A file or folder below the root. */
    static Path path(String relative) {
        return root().resolve(relative);
    }

    /** The text of a file below the root. */
    static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

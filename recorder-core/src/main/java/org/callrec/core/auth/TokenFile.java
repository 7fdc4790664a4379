package org.callrec.core.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A token file named by a config key ({@code ingest.api.token-file}, {@code control.ingest.token-file}):
 * read once when the service starts, which refuses to start when it cannot ({@link #open}), and
 * again whenever the service asks ({@link #reload}), so that a rotated Secret takes effect
 * without a restart. A file that cannot be read or parsed on reload leaves the tokens as they
 * were.
 */
public final class TokenFile {

    /** Largest token file read: a handful of tokens fit in far less. */
    public static final int MAX_BYTES = 16 * 1024;

    private final Path path;
    private final String key;
    private volatile BearerTokens tokens;
    private volatile String content;

    private TokenFile(Path path, String key) {
        this.path = path;
        this.key = key;
    }

    /**
     * Reads the file the config key {@code key} names.
     *
     * @throws IllegalStateException when it is missing, unreadable, too large or holds no valid
     *                               token; the message names the key, its env var and the file
     */
    public static TokenFile open(Path path, String key) {
        TokenFile file = new TokenFile(path, key);
        file.reload();
        return file;
    }

    /** The tokens as last read. */
    public BearerTokens tokens() {
        return tokens;
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /**
     * Reads the file again (blocking I/O: never on an event loop).
     *
     * @return whether its content changed
     * @throws IllegalStateException when it cannot be read or parsed; the tokens stay as they were
     */
    public boolean reload() {
        String now = read();
        if (now.equals(content)) {
            return false;
        }
        BearerTokens parsed;
        try {
            parsed = BearerTokens.parse(now);
        } catch (IllegalArgumentException e) {
            throw problem(e.getMessage());
        }
        tokens = parsed;
        content = now;
        return true;
    }

    private String read() {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw problem("it is larger than " + MAX_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw problem("it does not exist");
        } catch (IOException e) {
            throw problem("it cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private IllegalStateException problem(String what) {
        return new IllegalStateException(key + " (" + envVar(key) + "): the token file " + path + " is unusable: "
                + what);
    }

    /** The environment variable spelling of a config key: {@code ingest.api.token-file} → {@code INGEST_API_TOKEN_FILE}. */
    public static String envVar(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}

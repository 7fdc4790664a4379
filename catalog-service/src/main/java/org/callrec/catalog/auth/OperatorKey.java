package org.callrec.catalog.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.callrec.core.auth.BearerTokens;
import org.callrec.core.auth.TokenFile;

/**
 * The operator key(s) from {@code catalog.operator-key-file}: per line a key (checked by core
 * {@link BearerTokens#parse}: 16 to 512 token characters) or {@code sha256:<64 hex>}, the key's
 * SHA-256, so the file need not hold the key. A presented key's SHA-256 is compared with every
 * line's in constant time ({@link MessageDigest#isEqual}), all of them every time.
 */
public final class OperatorKey {

    static final String KEY = "catalog.operator-key-file";
    private static final String SHA256 = "sha256:";
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private final List<byte[]> digests;

    private OperatorKey(List<byte[]> digests) {
        this.digests = List.copyOf(digests);
    }

    /**
     * Reads the file.
     *
     * @throws IllegalStateException when it is missing, unreadable, larger than
     *                               {@link TokenFile#MAX_BYTES} or holds a line that fits neither form
     *                               (the message names the line, never its content)
     */
    public static OperatorKey read(Path file) {
        String text;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(TokenFile.MAX_BYTES + 1);
            if (bytes.length > TokenFile.MAX_BYTES) {
                throw problem(file, "it is larger than " + TokenFile.MAX_BYTES + " bytes");
            }
            text = new String(bytes, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw problem(file, "it does not exist");
        } catch (IOException e) {
            throw problem(file, "it cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        return parse(text, file);
    }

    static OperatorKey parse(String text, Path file) {
        List<byte[]> digests = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.regionMatches(true, 0, SHA256, 0, SHA256.length())) {
                String hex = line.substring(SHA256.length()).toLowerCase(Locale.ROOT);
                if (!HEX64.matcher(hex).matches()) {
                    throw problem(file, "line " + (i + 1) + ": a sha256: line needs 64 hex digits");
                }
                digests.add(HexFormat.of().parseHex(hex));
            } else {
                try {
                    BearerTokens.parse(line);
                } catch (IllegalArgumentException e) {
                    throw problem(file, "line " + (i + 1) + ": not a key of " + BearerTokens.MIN_LENGTH + " to "
                            + BearerTokens.MAX_LENGTH + " characters A-Z a-z 0-9 . _ ~ + / = -, nor sha256:<hex>");
                }
                digests.add(BearerTokens.digest(line));
            }
        }
        if (digests.isEmpty()) {
            throw problem(file, "it holds no key");
        }
        if (digests.size() > BearerTokens.MAX_TOKENS) {
            throw problem(file, "it holds " + digests.size() + " keys, at most " + BearerTokens.MAX_TOKENS);
        }
        return new OperatorKey(digests);
    }

    /** Whether {@code key} is an operator key, in time independent of where it differs. */
    public boolean accepts(String key) {
        byte[] presented = BearerTokens.digest(key);
        boolean match = false;
        for (byte[] d : digests) {
            match |= MessageDigest.isEqual(presented, d);
        }
        return match;
    }

    private static IllegalStateException problem(Path file, String what) {
        return new IllegalStateException(KEY + " (" + TokenFile.envVar(KEY) + "): the operator key file " + file
                + " is unusable: " + what);
    }

    @Override
    public String toString() {
        return "OperatorKey[" + digests.size() + " key(s)]";
    }
}

package org.callrec.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The bearer tokens an internal API accepts, parsed from a token file: one token per line,
 * blank lines and lines starting with {@code #} ignored. The first token is the one a client
 * sends; a server accepts every one, which is how a token is rotated (see the services' docs).
 *
 * <p>A presented token is compared with each accepted one through their SHA-256 digests and
 * {@link MessageDigest#isEqual}, always against all of them: the time taken tells neither the
 * token's length nor how much of it matched.
 */
public final class BearerTokens {

    /** The authentication scheme, as in {@code Authorization: Bearer <token>} and {@code WWW-Authenticate}. */
    public static final String SCHEME = "Bearer";
    /** Shortest token accepted in a file: a guessable token is no credential. */
    public static final int MIN_LENGTH = 16;
    /** Most tokens one file may hold (rotation needs two). */
    public static final int MAX_TOKENS = 8;
    /** Longest token accepted in a file. */
    public static final int MAX_LENGTH = 512;

    /** RFC 6750 {@code b64token} characters. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/=-]+");
    private static final String PREFIX = SCHEME + " ";

    /** What a request's {@code Authorization} header amounts to. */
    public enum Verdict {
        /** One of the accepted tokens. */
        ACCEPTED,
        /** No {@code Authorization} header, or not a bearer one. */
        MISSING,
        /** A bearer token that is not accepted. */
        INVALID
    }

    private final String first;
    private final List<byte[]> digests;

    private BearerTokens(List<String> tokens) {
        this.first = tokens.get(0);
        this.digests = tokens.stream().map(BearerTokens::digest).toList();
    }

    /**
     * Parses a token file's content.
     *
     * @throws IllegalArgumentException when it holds no token, more than {@value #MAX_TOKENS},
     *                                  or a line that is not a token of {@value #MIN_LENGTH} to
     *                                  {@value #MAX_LENGTH} characters {@code [A-Za-z0-9._~+/=-]}
     *                                  (the message says which line, never the token)
     */
    public static BearerTokens parse(String content) {
        List<String> tokens = new ArrayList<>();
        String[] lines = content.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.length() < MIN_LENGTH || line.length() > MAX_LENGTH || !TOKEN.matcher(line).matches()) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not a token of " + MIN_LENGTH + " to "
                        + MAX_LENGTH + " characters A-Z a-z 0-9 . _ ~ + / = -");
            }
            tokens.add(line);
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("it holds no token");
        }
        if (tokens.size() > MAX_TOKENS) {
            throw new IllegalArgumentException("it holds " + tokens.size() + " tokens, at most " + MAX_TOKENS
                    + " are allowed");
        }
        return new BearerTokens(tokens);
    }

    /** Tokens accepted. */
    public int size() {
        return digests.size();
    }

    /** The value of the {@code Authorization} header a client sends: {@code Bearer <first token>}. */
    public String authorization() {
        return PREFIX + first;
    }

    /** Judges a request's {@code Authorization} header ({@code null} when there is none). */
    public Verdict check(String authorization) {
        if (authorization == null || authorization.length() <= PREFIX.length()
                || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return Verdict.MISSING;
        }
        return accepts(authorization.substring(PREFIX.length()).strip()) ? Verdict.ACCEPTED : Verdict.INVALID;
    }

    /** Whether {@code token} is one of the accepted tokens, in time independent of where it differs. */
    public boolean accepts(String token) {
        byte[] presented = digest(token);
        boolean match = false;
        for (byte[] digest : digests) {
            match |= MessageDigest.isEqual(presented, digest);
        }
        return match;
    }

    /**
     * The SHA-256 of a token's UTF-8 bytes: what an accepted token is kept as, and what a
     * presented one is compared through ({@link MessageDigest#isEqual}).
     */
    public static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Never the tokens. */
    @Override
    public String toString() {
        return "BearerTokens[" + digests.size() + " token(s)]";
    }
}

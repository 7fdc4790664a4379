package org.callrec.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.callrec.core.auth.BearerTokens.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Token files and the check of an {@code Authorization} header. */
class BearerTokensTest {

    private static final String NEW = "0123456789abcdef0123456789abcdef";
    private static final String OLD = "fedcba9876543210fedcba9876543210";

    @TempDir
    Path dir;

    @Test
    @DisplayName("a client sends the first token; a server accepts every one (rotation)")
    void rotation() {
        BearerTokens tokens = BearerTokens.parse("# rotated 2026-12-01\n" + NEW + "\n\n  " + OLD + "  \r\n");

        assertThat(tokens.size()).isEqualTo(2);
        assertThat(tokens.authorization()).isEqualTo("Bearer " + NEW);
        assertThat(tokens.check("Bearer " + NEW)).isEqualTo(Verdict.ACCEPTED);
        assertThat(tokens.check("bearer " + OLD)).isEqualTo(Verdict.ACCEPTED);
    }

    @Test
    @DisplayName("no header or another scheme is MISSING; a wrong, shorter, longer or prefixed token is INVALID")
    void verdicts() {
        BearerTokens tokens = BearerTokens.parse(NEW);

        assertThat(tokens.check(null)).isEqualTo(Verdict.MISSING);
        assertThat(tokens.check("")).isEqualTo(Verdict.MISSING);
        assertThat(tokens.check("Bearer ")).isEqualTo(Verdict.MISSING);
        assertThat(tokens.check("Basic " + NEW)).isEqualTo(Verdict.MISSING);
        assertThat(tokens.check(NEW)).isEqualTo(Verdict.MISSING);
        assertThat(tokens.check("Bearer " + OLD)).isEqualTo(Verdict.INVALID);
        assertThat(tokens.check("Bearer " + NEW.substring(1))).isEqualTo(Verdict.INVALID);
        assertThat(tokens.check("Bearer " + NEW + "0")).isEqualTo(Verdict.INVALID);
        assertThat(tokens.check("Bearer " + NEW.toUpperCase())).isEqualTo(Verdict.INVALID);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "\n# only a comment\n", "short-token", "0123456789abcdef 0123456789abcdef",
            "0123456789abcdef\u0000", "ünïcödé-0123456789abcdef"})
    @DisplayName("a file without a usable token is refused, and the message never shows a token")
    void refused(String content) {
        assertThatThrownBy(() -> BearerTokens.parse(content)).isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("0123456789abcdef");
    }

    @Test
    @DisplayName("more than MAX_TOKENS tokens are refused")
    void tooMany() {
        String content = (NEW + "\n").repeat(BearerTokens.MAX_TOKENS + 1);

        assertThatThrownBy(() -> BearerTokens.parse(content)).hasMessageContaining("at most");
    }

    @Test
    @DisplayName("a missing or empty file names the key, its env var and the file")
    void missingFile() throws IOException {
        Path missing = dir.resolve("nope");
        Path empty = Files.writeString(dir.resolve("empty"), "");

        assertThatThrownBy(() -> TokenFile.open(missing, "ingest.api.token-file"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ingest.api.token-file").hasMessageContaining("INGEST_API_TOKEN_FILE")
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> TokenFile.open(empty, "control.ingest.token-file"))
                .hasMessageContaining("CONTROL_INGEST_TOKEN_FILE").hasMessageContaining("no token");
    }

    @Test
    @DisplayName("reload takes a changed file, and keeps the tokens when the new file is unusable")
    void reload() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), OLD + "\n");
        TokenFile tokens = TokenFile.open(file, "ingest.api.token-file");

        assertThat(tokens.reload()).isFalse();
        Files.writeString(file, NEW + "\n" + OLD + "\n");
        assertThat(tokens.reload()).isTrue();
        assertThat(tokens.tokens().authorization()).isEqualTo("Bearer " + NEW);

        Files.writeString(file, "");
        assertThatThrownBy(tokens::reload).isInstanceOf(IllegalStateException.class);
        assertThat(tokens.tokens().check("Bearer " + OLD)).isEqualTo(Verdict.ACCEPTED);
        Files.writeString(file, "x".repeat(TokenFile.MAX_BYTES + 1));
        assertThatThrownBy(tokens::reload).hasMessageContaining("larger than");
    }

    @Test
    @DisplayName("toString never shows a token")
    void noTokenInToString() {
        assertThat(BearerTokens.parse(NEW).toString()).doesNotContain(NEW);
    }
}

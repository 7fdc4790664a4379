package org.callrec.catalog.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import org.callrec.core.auth.BearerTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorKeyTest {

    private static final Path FILE = Path.of("operator-key");

    @Test
    void acceptsTheKeyOrItsSha256() {
        String key = "operator-0123456789abcdef";
        String hash = "sha256:" + HexFormat.of().formatHex(BearerTokens.digest("rotated-key-0123456789"));
        OperatorKey k = OperatorKey.parse("# comment\n\n" + key + "\n" + hash.toUpperCase().replace("SHA256", "sha256") + "\n", FILE);
        assertThat(k.accepts(key)).isTrue();
        assertThat(k.accepts("rotated-key-0123456789")).isTrue();
        assertThat(k.accepts("operator-0123456789abcdeX")).isFalse();
        assertThat(k.toString()).doesNotContain(key);
    }

    @Test
    void refusesUnusableFilesWithoutEchoingThem() {
        assertThatThrownBy(() -> OperatorKey.parse("# nothing\n", FILE)).hasMessageContaining("no key");
        assertThatThrownBy(() -> OperatorKey.parse("short\n", FILE))
                .hasMessageContaining("line 1").hasMessageNotContaining("short");
        assertThatThrownBy(() -> OperatorKey.parse("sha256:abcd\n", FILE)).hasMessageContaining("64 hex");
        assertThatThrownBy(() -> OperatorKey.read(Path.of("/nonexistent/key")))
                .hasMessageContaining("CATALOG_OPERATOR_KEY_FILE").hasMessageContaining("does not exist");
    }

    @Test
    void readsAFile(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("k"), "file-key-0123456789abcdef\n");
        assertThat(OperatorKey.read(f).accepts("file-key-0123456789abcdef")).isTrue();
    }
}

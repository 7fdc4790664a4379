package org.callrec.storage.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;

import org.callrec.core.auth.BearerTokens;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The credentials file's format ({@link ImportCredentials.Table}). */
class ImportCredentialsTableTest {

    private static final String TOKEN = "cr_imp_5d1c0b7e9a2f4c68";

    @Test
    @DisplayName("tokens in the clear or as sha256:, comments and blank lines; each token maps to its tenant")
    void parses() {
        String hash = HexFormat.of().formatHex(BearerTokens.digest("second-token-0123456789"));
        ImportCredentials.Table t = ImportCredentials.Table.parse("""
                # tenant  credential
                acme   %s

                  globex sha256:%s   \r
                """.formatted(TOKEN, hash.toUpperCase()));

        assertThat(t.problems()).isEmpty();
        assertThat(t.entries()).extracting(ImportCredentials.Entry::tenant).containsExactly("acme", "globex");
        assertThat(t.tenantOf(TOKEN)).contains("acme");
        assertThat(t.tenantOf("second-token-0123456789")).contains("globex");
        assertThat(t.tenantOf(TOKEN + " ")).isEmpty();
        assertThat(t.tenantOf(TOKEN.substring(1))).isEmpty();
        assertThat(t.tenantOf(hash)).as("the hash itself is no token").isEmpty();
    }

    @Test
    @DisplayName("lines that do not fit are ignored with their line number, never their content")
    void badLines() {
        ImportCredentials.Table t = ImportCredentials.Table.parse("""
                acme
                acme short
                ../etc %s
                .. %s
                acme sha256:abc
                acme %s extra
                ok %s
                """.formatted(TOKEN, TOKEN, TOKEN, TOKEN));

        assertThat(t.entries()).extracting(ImportCredentials.Entry::tenant).containsExactly("ok");
        assertThat(t.problems()).hasSize(6)
                .allSatisfy(p -> assertThat(p).startsWith("line ").doesNotContain(TOKEN).doesNotContain("short"));
    }

    @Test
    @DisplayName("an empty file holds no credential: nothing is accepted")
    void empty() {
        ImportCredentials.Table t = ImportCredentials.Table.parse("# none yet\n");
        assertThat(t.entries()).isEmpty();
        assertThat(t.tenantOf("")).isEmpty();
        assertThat(t.tenantOf(TOKEN)).isEmpty();
    }
}

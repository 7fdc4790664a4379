package org.callrec.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import jakarta.inject.Inject;

import org.callrec.control.protocol.ControlServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Log lines about bad input: escaped, and at most N per interval per category. */
@QuarkusTest
@WithTestResource(FakeIngestNodes.class)
@TestProfile(BadInputLogTest.FewLines.class)
class BadInputLogTest {

    static final int LINES = 5;

    /** Five lines per second per category. */
    public static final class FewLines implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("control.log.bad-input-lines", Integer.toString(LINES),
                    "control.log.bad-input-interval", "1s");
        }
    }

    @Inject
    ControlServer server;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getParameters() == null ? record.getMessage()
                    : String.format(record.getMessage(), record.getParameters()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        java.util.logging.Logger.getLogger("org.callrec.control.badinput").addHandler(capture);
    }

    @AfterEach
    void stop() {
        java.util.logging.Logger.getLogger("org.callrec.control.badinput").removeHandler(capture);
    }

    @Test
    @DisplayName("a flood of unknown commands carrying CR, LF and a bidi override: a few escaped lines, then one summary")
    void floodIsEscapedAndLimited() {
        // the command name decodes to: Evil<CR><LF>2026-12-02 INFO forged<U+202E>txt.exe
        String evil = "cmd=Evil%0D%0A2026-12-02+INFO+forged%E2%80%AEtxt.exe";
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            for (int i = 0; i < 100; i++) {
                assertThat(phone.send(evil)).containsEntry("reason", "unknown-command");
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.startsWith("bad-command: suppressed")));

        List<String> commandLines = lines.stream().filter(l -> l.contains("unknown command")).toList();
        assertThat(commandLines).isNotEmpty().hasSizeLessThanOrEqualTo(2 * LINES); // the flood may span two intervals
        assertThat(commandLines).allSatisfy(l -> {
            assertThat(l).doesNotContain("\r", "\n", "\u202e");
            assertThat(l).contains("Evil\\r\\n2026-12-02 INFO forged\\u202etxt.exe");
        });
        assertThat(lines).filteredOn(l -> l.startsWith("bad-command: suppressed")).first().asString()
                .matches("bad-command: suppressed \\d+ similar lines in the last 1s");
    }
}

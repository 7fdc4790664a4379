package org.callrec.control.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.callrec.core.protocol.Command;
import org.callrec.core.protocol.RefusalReason;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The {@code result} tag of {@code callrec.control.commands}: a fixed set taken from {@link RefusalReason}. */
class ControlMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ControlMetrics metrics = new ControlMetrics(registry);

    private double count(String command, String result) {
        var counter = registry.find("callrec.control.commands").tags("command", command, "result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    @DisplayName("a start refused shutting-down while the instance drains is counted under shutting-down, not rejected")
    void shuttingDownHasItsOwnTag() {
        metrics.command(Command.START_REQUEST, "shutting-down");

        assertThat(count(Command.START_REQUEST, "shutting-down")).isEqualTo(1);
        assertThat(count(Command.START_REQUEST, ControlMetrics.REJECTED)).isZero();
    }

    @ParameterizedTest
    @EnumSource(RefusalReason.class)
    @DisplayName("every refusal reason is counted under its own token")
    void everyRefusalReasonIsATag(RefusalReason reason) {
        metrics.command(Command.START_REQUEST, reason.token());

        assertThat(count(Command.START_REQUEST, reason.token())).isEqualTo(1);
        assertThat(count(Command.START_REQUEST, ControlMetrics.REJECTED)).isZero();
    }

    @Test
    @DisplayName("a node's own error token is counted as rejected, keeping the tag values a fixed set")
    void unknownTokenIsRejected() {
        metrics.command(Command.START_REQUEST, "over-quota");

        assertThat(count(Command.START_REQUEST, ControlMetrics.REJECTED)).isEqualTo(1);
        assertThat(count(Command.START_REQUEST, "over-quota")).isZero();
    }

    @Test
    @DisplayName("success and connection-closed keep their tags")
    void ownResults() {
        metrics.command(Command.STOP_REQUEST, ControlMetrics.SUCCESS);
        metrics.command(Command.START_REQUEST, ControlMetrics.CONNECTION_CLOSED);

        assertThat(count(Command.STOP_REQUEST, "success")).isEqualTo(1);
        assertThat(count(Command.START_REQUEST, "connection-closed")).isEqualTo(1);
    }

    @Test
    @DisplayName("the service docs' metric row names every result tag value")
    void docsListEveryResult() throws IOException {
        String row = Files.readAllLines(Path.of("docs/README.md")).stream()
                .filter(l -> l.startsWith("| `callrec_control_commands_total")).findFirst().orElseThrow();

        for (RefusalReason reason : RefusalReason.values()) {
            assertThat(row).contains("`" + reason.token() + "`");
        }
        assertThat(row).contains("`success`", "`connection-closed`", "`rejected`");
    }
}

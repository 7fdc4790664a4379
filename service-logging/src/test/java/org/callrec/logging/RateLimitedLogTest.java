package org.callrec.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger.Level;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Log lines about bad input, limited per category with a summary of what was left out. */
class RateLimitedLogTest {

    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimitedLog log = new RateLimitedLog((level, line) -> lines.add(level + " " + line), 3,
            Duration.ofSeconds(10), now::get);

    @Test
    @DisplayName("at most N lines per interval per category; the next interval starts with one summary line")
    void limitThenSummary() {
        for (int i = 0; i < 1000; i++) {
            log.infof("bad-command", "bad command %d", i);
        }
        assertThat(lines).containsExactly("INFO bad command 0", "INFO bad command 1", "INFO bad command 2");
        assertThat(log.suppressed("bad-command")).isEqualTo(997);

        now.addAndGet(Duration.ofSeconds(10).toNanos());
        log.infof("bad-command", "bad command %d", 1000);
        assertThat(lines).hasSize(5).endsWith(
                "INFO bad-command: suppressed 997 similar lines in the last 10s",
                "INFO bad command 1000");
        assertThat(log.suppressed("bad-command")).isZero();
    }

    @Test
    @DisplayName("categories are limited apart: a flood of one does not hide another")
    void categoriesApart() {
        for (int i = 0; i < 10; i++) {
            log.infof("bad-command", "flood");
        }
        log.warnf("refused-connection", "refused %s", "127.0.0.5");
        assertThat(lines).hasSize(4).last().isEqualTo("WARN refused 127.0.0.5");
    }

    @Test
    @DisplayName("flush writes the summary of an interval that is over even when no new line comes; nothing when nothing was suppressed")
    void flushSumsUpAStoppedFlood() {
        for (int i = 0; i < 5; i++) {
            log.warnf("bad-command", "flood");
        }
        log.flush();
        assertThat(lines).hasSize(3); // the interval is not over yet
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        log.flush();
        assertThat(lines).hasSize(4).last().isEqualTo("WARN bad-command: suppressed 2 similar lines in the last 10s");
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        log.flush();
        assertThat(lines).hasSize(4);
    }

    @Test
    @DisplayName("the summary takes the level of the most severe line it stands for")
    void summaryLevel() {
        RateLimitedLog one = new RateLimitedLog((level, line) -> lines.add(level + " " + line), 1,
                Duration.ofSeconds(1), now::get);
        one.infof("c", "first");
        one.infof("c", "second");
        one.log(Level.ERROR, "c", "third");
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        one.flush();
        assertThat(lines).containsExactly("INFO first", "ERROR c: suppressed 2 similar lines in the last 1s");
    }
}

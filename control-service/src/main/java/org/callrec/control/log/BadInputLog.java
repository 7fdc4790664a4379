package org.callrec.control.log;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.control.config.ControlConfig;
import org.callrec.logging.RateLimitedLog;
import org.jboss.logging.Logger;

import io.vertx.core.Vertx;

/**
 * The log of bad input on the phone port: refused connections and starts, unparsable, unknown
 * and over-long commands. At most {@code control.log.bad-input-lines} lines per category per
 * {@code control.log.bad-input-interval}, then one "suppressed K" line ({@link RateLimitedLog}).
 * Every value from the wire put in a line is escaped first ({@code LogText.escape}).
 */
@ApplicationScoped
public class BadInputLog {

    /** Connections refused at accept (allowed networks, connection caps). */
    public static final String REFUSED_CONNECTION = "refused-connection";
    /** Starts refused (by the protocol's rules or a limit). */
    public static final String REFUSED_START = "refused-start";
    /** Registered MACs seen outside their tenant's networks (possible cloning). */
    public static final String POSSIBLE_CLONE = "possible-clone";
    /** Unparsable, unknown and over-long commands, command-queue overflows. */
    public static final String BAD_COMMAND = "bad-command";

    private static final Logger LOG = Logger.getLogger("org.callrec.control.badinput");

    private final RateLimitedLog log;
    private final Vertx vertx;
    private final long flushTimer;

    @Inject
    public BadInputLog(ControlConfig config, Vertx vertx) {
        this.log = new RateLimitedLog(LOG, config.log().badInputLines(), config.log().badInputInterval());
        this.vertx = vertx;
        // a flood that stops is summed up even when no line of its category follows
        this.flushTimer = vertx.setPeriodic(Math.max(1, config.log().badInputInterval().toMillis()), id -> log.flush());
    }

    /** An INFO line of {@code category}; values from the wire already escaped. */
    public void infof(String category, String format, Object... params) {
        log.infof(category, format, params);
    }

    /** A WARN line of {@code category}; values from the wire already escaped. */
    public void warnf(String category, String format, Object... params) {
        log.warnf(category, format, params);
    }

    @PreDestroy
    void stop() {
        vertx.cancelTimer(flushTimer);
    }
}

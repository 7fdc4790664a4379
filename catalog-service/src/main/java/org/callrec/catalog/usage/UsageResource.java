package org.callrec.catalog.usage;

import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.callrec.catalog.auth.Access;
import org.callrec.catalog.auth.Scope;
import org.callrec.catalog.db.Db;
import org.callrec.catalog.problem.ProblemException;
import org.callrec.catalog.tenant.TenantStore;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/tenants/{tenant}/usage?from&to}: recordings, bytes and audio seconds per UTC
 * day (every day of the range, zeros included; at most {@value #MAX_DAYS} days; default the last
 * 30 days), and the recordings open right now. Operator, or a {@code tenant:admin} key.
 */
@Path("/api/v1/tenants/{tenant}/usage")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "usage")
public class UsageResource {

    /** Longest range one request may ask for. */
    public static final int MAX_DAYS = 366;

    /** One day of usage. */
    public record Day(LocalDate day, long recordings, long bytes, double audioSeconds) {
    }

    /** The answer. */
    public record Usage(String tenant, int activeNow, List<Day> days) {
    }

    @Inject
    Db db;
    @Inject
    Access access;
    @Inject
    ActivityBoard activity;

    @GET
    @Operation(summary = "Per-day usage and recordings open now")
    public Usage usage(@PathParam("tenant") String tenant, @QueryParam("from") String fromText,
                       @QueryParam("to") String toText) {
        access.tenant(tenant, Scope.TENANT_ADMIN);
        LocalDate to = toText == null ? LocalDate.now(ZoneOffset.UTC) : date("to", toText);
        LocalDate from = fromText == null ? to.minusDays(29) : date("from", fromText);
        if (from.isAfter(to)) {
            throw ProblemException.invalid("from", "must not be after to");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw ProblemException.invalid("from", "the range may span at most " + MAX_DAYS + " days");
        }
        Map<LocalDate, Day> days = new LinkedHashMap<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            days.put(d, new Day(d, 0, 0, 0));
        }
        db.inTransaction(tx -> {
            if (TenantStore.find(tx.connection(), tenant, false).isEmpty()) {
                throw ProblemException.notFound("no tenant " + tenant);
            }
            try (PreparedStatement s = tx.connection().prepareStatement("SELECT day, count(*), "
                    + "coalesce(sum(audio_bytes), 0), coalesce(sum(duration_seconds), 0) FROM recording_usage "
                    + "WHERE tenant = ? AND day BETWEEN ? AND ? GROUP BY day")) {
                s.setString(1, tenant);
                s.setDate(2, Date.valueOf(from));
                s.setDate(3, Date.valueOf(to));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        LocalDate d = r.getDate(1).toLocalDate();
                        days.put(d, new Day(d, r.getLong(2), r.getLong(3), r.getDouble(4)));
                    }
                }
            }
            return null;
        });
        return new Usage(tenant, activity.activeNow(tenant), new ArrayList<>(days.values()));
    }

    private static LocalDate date(String field, String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(field, "must be a date YYYY-MM-DD");
        }
    }
}

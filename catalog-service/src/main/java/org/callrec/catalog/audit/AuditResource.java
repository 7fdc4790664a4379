package org.callrec.catalog.audit;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.callrec.catalog.api.Instants;
import org.callrec.catalog.api.Page;
import org.callrec.catalog.auth.Caller;
import org.callrec.catalog.auth.CurrentCaller;
import org.callrec.catalog.auth.Scope;
import org.callrec.catalog.config.CatalogConfig;
import org.callrec.catalog.db.Db;
import org.callrec.catalog.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code /api/v1/audit}: the audit trail, newest first, and its export. A {@code tenant:admin}
 * key reads its own tenant's entries; the operator any tenant's ({@code tenant=}) or all.
 */
@Path("/api/v1/audit")
@Tag(name = "audit")
public class AuditResource {

    /**
     * Most entries one export holds, newest kept (narrow the period for more); a cut export says
     * so in {@code Callrec-Export-Truncated: true}.
     */
    static final int MAX_EXPORT = 100_000;

    @Inject
    Db db;
    @Inject
    CurrentCaller current;
    @Inject
    CatalogConfig config;
    @Inject
    ObjectMapper mapper;

    private record Query(String tenant, Instant from, Instant to, String action) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The audit trail, newest first (tenant:admin for its tenant; the operator may add tenant=)")
    public Page<AuditEntry> list(@QueryParam("tenant") String tenant, @QueryParam("from") String from,
                                 @QueryParam("to") String to, @QueryParam("action") String action,
                                 @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Query q = query(tenant, from, to, action);
        int n = Page.limit(limit, config.paging().defaultLimit(), config.paging().maxLimit());
        String after = Page.after(cursor);
        Long before;
        try {
            before = after == null ? null : Long.valueOf(after);
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("cursor", "not a cursor of this list");
        }
        List<AuditEntry> rows = db.inTransaction(tx -> select(tx.connection(), q, before, n + 1));
        if (rows.size() <= n) {
            return new Page<>(rows, null);
        }
        List<AuditEntry> items = List.copyOf(rows.subList(0, n));
        return new Page<>(items, Page.cursor(Long.toString(items.get(n - 1).seq())));
    }

    @GET
    @Path("export")
    @Produces({"application/x-ndjson", "text/csv"})
    @Operation(summary = "The audit trail as NDJSON or CSV (format=ndjson|csv), same filters, oldest first")
    public Response export(@QueryParam("format") String format, @QueryParam("tenant") String tenant,
                           @QueryParam("from") String from, @QueryParam("to") String to,
                           @QueryParam("action") String action) {
        String f = format == null || format.isBlank() ? "ndjson" : format;
        if (!f.equals("ndjson") && !f.equals("csv")) {
            throw ProblemException.invalid("format", "ndjson or csv");
        }
        Query q = query(tenant, from, to, action);
        List<AuditEntry> all = db.inTransaction(tx -> select(tx.connection(), q, null, MAX_EXPORT + 1));
        boolean truncated = all.size() > MAX_EXPORT;
        List<AuditEntry> rows = truncated ? all.subList(0, MAX_EXPORT) : all;
        StreamingOutput body = out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            if (f.equals("csv")) {
                w.write("seq,at,tenant,actor,action,target,detail\r\n");
            }
            for (int i = rows.size() - 1; i >= 0; i--) {
                AuditEntry e = rows.get(i);
                if (f.equals("csv")) {
                    w.write(e.seq() + "," + e.at() + "," + csv(e.tenant()) + "," + csv(e.actor()) + ","
                            + csv(e.action()) + "," + csv(e.target()) + "," + csv(e.detail()) + "\r\n");
                } else {
                    w.write(mapper.writeValueAsString(e));
                    w.write('\n');
                }
            }
            w.flush();
        };
        String name = "audit" + (q.tenant() == null ? "" : "-" + q.tenant()) + "." + f;
        return Response.ok(body).type(f.equals("csv") ? "text/csv; charset=utf-8" : "application/x-ndjson")
                .header("Content-Disposition", "attachment; filename=\"" + name.replaceAll("[^A-Za-z0-9._-]", "_")
                        + "\"").header("Callrec-Export-Truncated", Boolean.toString(truncated)).build();
    }

    private Query query(String tenant, String from, String to, String action) {
        Caller caller = current.get();
        String t = tenant == null || tenant.isBlank() ? null : tenant.strip();
        if (!caller.operator()) {
            if (t != null && !t.equals(caller.tenant())) {
                throw ProblemException.notFound("no tenant " + t);
            }
            if (!caller.has(Scope.TENANT_ADMIN)) {
                throw ProblemException.forbidden("this needs the scope " + Scope.TENANT_ADMIN.wire());
            }
            t = caller.tenant();
        }
        String a = action == null || action.isBlank() ? null : action.strip();
        if (a != null && AuditLog.Action.of(a).isEmpty()) {
            throw ProblemException.invalid("action", "not an audited action");
        }
        return new Query(t, Instants.param("from", from), Instants.param("to", to), a);
    }

    private static List<AuditEntry> select(java.sql.Connection c, Query q, Long before, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder(
                "SELECT seq, at, tenant, actor, action, target, detail::text FROM audit_log WHERE true");
        List<Object> args = new ArrayList<>();
        if (q.tenant() != null) {
            sql.append(" AND tenant = ?");
            args.add(q.tenant());
        }
        if (q.from() != null) {
            sql.append(" AND at >= ?");
            args.add(Timestamp.from(q.from()));
        }
        if (q.to() != null) {
            sql.append(" AND at < ?");
            args.add(Timestamp.from(q.to()));
        }
        if (q.action() != null) {
            sql.append(" AND action = ?");
            args.add(q.action());
        }
        if (before != null) {
            sql.append(" AND seq < ?");
            args.add(before);
        }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        args.add(limit);
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            List<AuditEntry> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditEntry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
            return out;
        }
    }


    private static String csv(String v) {
        if (v == null) {
            return "";
        }
        String s = v;
        // a cell a spreadsheet would run as a formula is quoted with a leading apostrophe
        if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}

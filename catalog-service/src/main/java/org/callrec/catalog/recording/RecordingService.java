package org.callrec.catalog.recording;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.catalog.api.Page;
import org.callrec.catalog.audit.AuditLog;
import org.callrec.catalog.audit.AuditLog.Action;
import org.callrec.catalog.auth.Caller;
import org.callrec.catalog.auth.Scope;
import org.callrec.catalog.db.Db;
import org.callrec.catalog.objectstore.ObjectStore;
import org.callrec.catalog.problem.ProblemException;
import org.callrec.catalog.webhook.WebhookOutbox;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What can be done to a recording, each checked against the caller, audited, and safe against
 * the others: a delete and a hold take the recording's row lock, so a hold that committed always
 * keeps its recording, whatever deletion (a user's, the retention sweeper's) runs beside it.
 */
@ApplicationScoped
public class RecordingService {

    /** Who deletes for the retention sweeper, in the audit trail. */
    public static final String RETENTION_ACTOR = "system:retention";

    /** The receipt of a deletion. */
    public record Receipt(String recordingId, String tenant, Instant deletedAt, String deletedBy, List<String> objects) {
    }

    /** A recording's legal hold. */
    public record HoldState(String recordingId, boolean held, Instant heldAt, String heldBy, String reason,
                            boolean objectLock) {
    }

    /** Longest hold reason accepted. */
    static final int MAX_REASON = 1000;

    @Inject
    Db db;
    @Inject
    ObjectStore store;
    @Inject
    AuditLog audit;
    @Inject
    WebhookOutbox webhooks;
    @Inject
    ObjectMapper mapper;

    /** One page of a search; the filter's tenant must already be the caller's (or the operator's choice). */
    public Page<Recording> search(RecordingStore.Filter filter) {
        List<Recording> rows = db.inTransaction(tx -> RecordingStore.search(tx.connection(),
                withLimit(filter, filter.limit() + 1)));
        if (rows.size() <= filter.limit()) {
            return new Page<>(rows, null);
        }
        List<Recording> items = rows.subList(0, filter.limit());
        Recording last = items.get(items.size() - 1);
        return new Page<>(List.copyOf(items), Page.cursor(cursorKey(last)));
    }

    static String cursorKey(Recording r) {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, r.startedAt());
        return micros + "|" + r.id();
    }

    private static RecordingStore.Filter withLimit(RecordingStore.Filter f, int limit) {
        return new RecordingStore.Filter(f.tenant(), f.from(), f.to(), f.device(), f.number(), f.direction(),
                f.minDuration(), f.stopReason(), f.intact(), f.afterStart(), f.afterId(), limit);
    }

    /**
     * The recording {@code id} if {@code caller} may use it with {@code scope}: 403 without the
     * scope, 404 when there is no such recording or it is another tenant's (the same answer).
     */
    public Recording visible(String id, Caller caller, Scope scope) {
        requireScope(caller, scope);
        return db.inTransaction(tx -> visible(tx.connection(), id, caller, false));
    }

    private Recording visible(Connection c, String id, Caller caller, boolean lock) throws SQLException {
        return RecordingStore.find(c, id, lock).filter(r -> caller == null || caller.sees(r.tenant()))
                .orElseThrow(() -> ProblemException.notFound("no recording " + id));
    }

    private static void requireScope(Caller caller, Scope scope) {
        if (!caller.has(scope)) {
            throw ProblemException.forbidden("this needs the scope " + scope.wire());
        }
    }

    /** The metadata document of a visible recording. */
    public String metadata(Recording r) {
        return db.inTransaction(tx -> RecordingStore.metadata(tx.connection(), r.id()))
                .orElseThrow(() -> ProblemException.notFound("no recording " + r.id()));
    }

    /** The recording's audio as one file. */
    public AudioLayout layout(Recording r) {
        if (r.audio().size() == 1) {
            return AudioLayout.single(r.audio().get(0));
        }
        byte[] header;
        try (var in = store.open(r.bucket(), r.audio().get(0).key(), 0, org.callrec.core.audio.WavHeader.LENGTH)) {
            header = in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new ObjectStore.ObjectStoreException("S3 read of " + r.audio().get(0).key() + " failed", e);
        }
        return AudioLayout.joined(header, r.audio());
    }

    /** Records that {@code caller} listened to or downloaded {@code r}. */
    public void audited(Recording r, Caller caller, Action action, Map<String, ?> detail) {
        db.inTransaction(tx -> {
            audit.record(tx.connection(), r.tenant(), caller.actor(), action, r.id(), detail);
            return null;
        });
    }

    /**
     * Deletes a recording: every object, then the index entry, with the receipt; 409
     * ({@code legal-hold}) while it is held.
     *
     * @param caller the user; {@code null} for the retention sweeper
     */
    public Receipt delete(String id, Caller caller) {
        if (caller != null) {
            requireScope(caller, Scope.RECORDINGS_DELETE);
        }
        String actor = caller == null ? RETENTION_ACTOR : caller.actor();
        Receipt receipt = db.inTransaction(tx -> {
            Connection c = tx.connection();
            Recording r = visible(c, id, caller, true);
            if (r.held()) {
                throw ProblemException.conflict("legal-hold", "recording " + id + " is under legal hold since "
                        + r.hold().heldAt() + "; release the hold first", List.of());
            }
            List<String> objects = new ArrayList<>();
            // the document first: once it is gone, a reindex can no longer bring the recording back
            objects.add(r.metadataKey());
            r.audio().forEach(s -> objects.add(s.key()));
            for (String key : objects) {
                store.remove(r.bucket(), key);
            }
            Instant at = Instant.now();
            RecordingStore.delete(c, r, actor, caller == null ? "retention" : "request");
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("objects", objects.size());
            audit.record(c, r.tenant(), actor, caller == null ? Action.RECORDING_EXPIRE : Action.RECORDING_DELETE,
                    r.id(), detail);
            Receipt rc = new Receipt(r.id(), r.tenant(), at, actor, List.copyOf(objects));
            webhooks.enqueue(c, r.tenant(), WebhookOutbox.RECORDING_DELETED, "rd-" + r.id(),
                    Map.of("recordingId", r.id(), "deletedAt", at.toString(), "deletedBy", actor,
                            "reason", caller == null ? "retention" : "request"));
            return rc;
        });
        return receipt;
    }

    /** The hold state of a visible recording. */
    public HoldState holdState(Recording r) {
        return state(r, r.hold());
    }

    /** Puts a recording under legal hold (again: no change). */
    public HoldState hold(String id, Caller caller, String reason) {
        requireScope(caller, Scope.HOLDS_MANAGE);
        if (reason != null && reason.length() > MAX_REASON) {
            throw ProblemException.invalid("reason", "at most " + MAX_REASON + " characters");
        }
        return db.inTransaction(tx -> {
            Connection c = tx.connection();
            Recording r = visible(c, id, caller, true);
            if (r.held()) {
                return state(r, r.hold());
            }
            Recording.Hold hold = new Recording.Hold(Instant.now().truncatedTo(ChronoUnit.MICROS), caller.actor(),
                    reason == null ? "" : reason);
            Map<String, Object> marker = new LinkedHashMap<>();
            marker.put("recordingId", r.id());
            marker.put("heldAt", hold.heldAt().toString());
            marker.put("heldBy", hold.heldBy());
            marker.put("reason", hold.reason());
            store.put(r.bucket(), r.holdMarkerKey(), json(marker), "application/json");
            boolean lock = store.hasObjectLock(r.bucket());
            if (lock) {
                store.legalHold(r.bucket(), r.metadataKey(), true);
                for (IndexEntry.Segment s : r.audio()) {
                    store.legalHold(r.bucket(), s.key(), true);
                }
            }
            RecordingStore.setHold(c, r.id(), hold);
            audit.record(c, r.tenant(), caller.actor(), Action.RECORDING_HOLD, r.id(),
                    Map.of("reason", hold.reason()));
            return state(r, hold);
        });
    }

    /** Releases a recording's legal hold (not held: no change). */
    public HoldState release(String id, Caller caller) {
        requireScope(caller, Scope.HOLDS_MANAGE);
        return db.inTransaction(tx -> {
            Connection c = tx.connection();
            Recording r = visible(c, id, caller, true);
            if (!r.held()) {
                return state(r, null);
            }
            if (store.hasObjectLock(r.bucket())) {
                store.legalHold(r.bucket(), r.metadataKey(), false);
                for (IndexEntry.Segment s : r.audio()) {
                    store.legalHold(r.bucket(), s.key(), false);
                }
            }
            store.remove(r.bucket(), r.holdMarkerKey());
            RecordingStore.setHold(c, r.id(), null);
            audit.record(c, r.tenant(), caller.actor(), Action.RECORDING_RELEASE, r.id(), Map.of());
            return state(r, null);
        });
    }

    private HoldState state(Recording r, Recording.Hold h) {
        return new HoldState(r.id(), h != null, h == null ? null : h.heldAt(), h == null ? null : h.heldBy(),
                h == null ? null : h.reason(), store.hasObjectLock(r.bucket()));
    }

    private byte[] json(Object o) {
        try {
            return mapper.writeValueAsString(o).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

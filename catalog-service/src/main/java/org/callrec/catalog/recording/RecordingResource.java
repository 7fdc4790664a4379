package org.callrec.catalog.recording;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.callrec.catalog.api.JsonBodies;
import org.callrec.catalog.api.Instants;
import org.callrec.catalog.api.Page;
import org.callrec.catalog.audit.AuditLog.Action;
import org.callrec.catalog.auth.Caller;
import org.callrec.catalog.auth.CurrentCaller;
import org.callrec.catalog.auth.Scope;
import org.callrec.catalog.config.CatalogConfig;
import org.callrec.catalog.objectstore.ObjectStore;
import org.callrec.catalog.problem.ProblemException;
import org.callrec.core.protocol.MacAddress;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/v1/recordings}: search the index, read a recording's metadata, play its audio (HTTP
 * ranges), get a presigned download, delete it, hold it. A tenant key sees its own tenant's
 * recordings only: any other id is 404, exactly as one that does not exist.
 */
@Path("/api/v1/recordings")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "recordings")
public class RecordingResource {

    /** The body of a hold. */
    public record HoldRequest(String reason) {
    }

    /** A presigned download. */
    public record DownloadUrl(String url, Instant expiresAt, List<SegmentUrl> segments) {
    }

    /** The presigned URL of one segment (1-based). */
    public record SegmentUrl(int index, String url) {
    }

    /** Longest text filter value. */
    static final int MAX_FILTER = 128;

    @Inject
    RecordingService recordings;
    @Inject
    Peaks peaks;
    @Inject
    ObjectStore store;
    @Inject
    CurrentCaller current;
    @Inject
    CatalogConfig config;
    @Inject
    JsonBodies json;

    @GET
    @Operation(summary = "Search recordings, newest first (recordings:read; the operator may add tenant=)")
    public Page<Recording> search(@QueryParam("tenant") String tenant, @QueryParam("from") String from,
                                  @QueryParam("to") String to, @QueryParam("device") String device,
                                  @QueryParam("number") String number, @QueryParam("direction") String direction,
                                  @QueryParam("minDuration") String minDuration,
                                  @QueryParam("stopReason") String stopReason, @QueryParam("intact") String intact,
                                  @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Caller caller = current.get();
        if (!caller.has(Scope.RECORDINGS_READ)) {
            throw ProblemException.forbidden("this needs the scope " + Scope.RECORDINGS_READ.wire());
        }
        String t = blank(tenant);
        if (!caller.operator()) {
            if (t != null && !t.equals(caller.tenant())) {
                throw ProblemException.notFound("no tenant " + t);
            }
            t = caller.tenant();
        }
        Instant afterStart = null;
        String afterId = null;
        String key = Page.after(cursor);
        if (key != null) {
            int bar = key.indexOf('|');
            try {
                afterStart = Instant.EPOCH.plus(Long.parseLong(key.substring(0, bar)), java.time.temporal.ChronoUnit.MICROS);
                afterId = key.substring(bar + 1);
            } catch (RuntimeException e) {
                throw ProblemException.invalid("cursor", "not a cursor of this list");
            }
        }
        String dev = blank(device);
        if (dev != null) {
            dev = MacAddress.normalize(dev).orElseThrow(() -> ProblemException.invalid("device", "not a MAC address"));
        }
        String dir = blank(direction);
        if (dir != null && !dir.equals("in") && !dir.equals("out")) {
            throw ProblemException.invalid("direction", "in or out");
        }
        Boolean whole = null;
        if (blank(intact) != null) {
            if (!intact.equals("true") && !intact.equals("false")) {
                throw ProblemException.invalid("intact", "true or false");
            }
            whole = Boolean.valueOf(intact);
        }
        Double min = null;
        if (blank(minDuration) != null) {
            try {
                min = Double.valueOf(minDuration);
            } catch (NumberFormatException e) {
                min = Double.NaN;
            }
            if (!Double.isFinite(min) || min < 0) {
                throw ProblemException.invalid("minDuration", "a number of seconds, 0 or more");
            }
        }
        int n = Page.limit(limit, config.paging().defaultLimit(), config.paging().maxLimit());
        return recordings.search(new RecordingStore.Filter(t, Instants.param("from", from), Instants.param("to", to), dev,
                text("number", number), dir, min, text("stopReason", stopReason), whole, afterStart, afterId, n));
    }

    @GET
    @Path("{id}")
    @Operation(summary = "The recording's metadata document (recordings:read)")
    public Response get(@PathParam("id") String id) {
        Recording r = recordings.visible(id, current.get(), Scope.RECORDINGS_READ);
        return Response.ok(recordings.metadata(r)).header("Callrec-Held", Boolean.toString(r.held())).build();
    }

    @GET
    @Path("{id}/audio")
    @Produces("audio/wav")
    @Operation(summary = "The recording's audio as one WAV file; HTTP Range for seeking (audio:listen)")
    public Response audio(@PathParam("id") String id, @HeaderParam("Range") String range) {
        Caller caller = current.get();
        Recording r = recordings.visible(id, caller, Scope.AUDIO_LISTEN);
        AudioLayout layout = layout(r);
        long total = layout.length();
        ByteRange.Request req = ByteRange.of(range, total);
        if (req instanceof ByteRange.Unsatisfiable) {
            return Response.status(416).header("Content-Range", "bytes */" + total)
                    .header("Accept-Ranges", "bytes").type(MediaType.TEXT_PLAIN).entity("").build();
        }
        ByteRange part = req instanceof ByteRange.Part p ? p.range() : new ByteRange(0, total - 1);
        if (part.first() == 0) {
            // one entry per playback or download, not one per seek
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("bytes", total);
            recordings.audited(r, caller, Action.RECORDING_LISTEN, detail);
        }
        List<AudioLayout.Piece> pieces = total == 0 ? List.of() : layout.slice(part.first(), part.last());
        StreamingOutput body = out -> write(r, pieces, out);
        Response.ResponseBuilder b = Response.status(req instanceof ByteRange.Part ? 206 : 200).entity(body)
                .type("audio/wav").header("Accept-Ranges", "bytes")
                .header(HttpHeaders.CONTENT_LENGTH, total == 0 ? 0 : part.length())
                .header("Cache-Control", "private, no-store")
                .header("Content-Disposition", "inline; filename=\"" + safeName(r.id()) + ".wav\"");
        if (req instanceof ByteRange.Part) {
            b.header("Content-Range", "bytes " + part.first() + "-" + part.last() + "/" + total);
        }
        return b.build();
    }

    private void write(Recording r, List<AudioLayout.Piece> pieces, OutputStream out) throws IOException {
        for (AudioLayout.Piece p : pieces) {
            if (p.bytes() != null) {
                out.write(p.bytes());
            } else {
                try (InputStream in = store.open(r.bucket(), p.key(), p.offset(), p.length())) {
                    in.transferTo(out);
                }
            }
        }
    }

    private AudioLayout layout(Recording r) {
        try {
            return recordings.layout(r);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(502, "bad-audio", "Stored audio unusable", e.getMessage(), List.of());
        }
    }

    @GET
    @Path("{id}/peaks")
    @Operation(summary = "The waveform: peaks of the audio, 0 to 1 (audio:listen)")
    public Map<String, Object> peaks(@PathParam("id") String id) {
        Recording r = recordings.visible(id, current.get(), Scope.AUDIO_LISTEN);
        double[] p = peaks.of(r, layout(r));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("recordingId", r.id());
        out.put("points", p.length);
        out.put("durationSeconds", r.durationSeconds());
        out.put("peaks", p);
        return out;
    }

    @POST
    @Path("{id}/download-url")
    @Operation(summary = "A presigned S3 URL of the audio, valid catalog.downloads.url-validity (audio:download)")
    public DownloadUrl downloadUrl(@PathParam("id") String id) {
        Caller caller = current.get();
        Recording r = recordings.visible(id, caller, Scope.AUDIO_DOWNLOAD);
        java.time.Duration validity = config.downloads().urlValidity();
        List<SegmentUrl> urls = new ArrayList<>();
        for (int i = 0; i < r.audio().size(); i++) {
            String name = safeName(r.id()) + (i == 0 ? "" : String.format(java.util.Locale.ROOT, ".part-%03d", i + 1))
                    + ".wav";
            urls.add(new SegmentUrl(i + 1, store.presign(r.bucket(), r.audio().get(i).key(), validity, name)));
        }
        recordings.audited(r, caller, Action.RECORDING_DOWNLOAD, Map.of("segments", urls.size(),
                "validSeconds", validity.toSeconds()));
        return new DownloadUrl(urls.get(0).url(), Instant.now().plus(validity), urls);
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete the recording: every object and the index entry; 409 under legal hold (recordings:delete)")
    public RecordingService.Receipt delete(@PathParam("id") String id) {
        return recordings.delete(id, current.get());
    }

    @GET
    @Path("{id}/hold")
    @Operation(summary = "The recording's legal hold (recordings:read)")
    public RecordingService.HoldState hold(@PathParam("id") String id) {
        return recordings.holdState(recordings.visible(id, current.get(), Scope.RECORDINGS_READ));
    }

    @PUT
    @Path("{id}/hold")
    @Operation(summary = "Put the recording under legal hold: no deletion path removes it (holds:manage)")
    public RecordingService.HoldState putHold(@PathParam("id") String id, String body) {
        String reason = null;
        if (body != null && !body.isBlank()) {
            reason = json.read(body, HoldRequest.class).reason();
        }
        return recordings.hold(id, current.get(), reason);
    }

    @DELETE
    @Path("{id}/hold")
    @Operation(summary = "Release the recording's legal hold (holds:manage)")
    public RecordingService.HoldState release(@PathParam("id") String id) {
        return recordings.release(id, current.get());
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String text(String name, String value) {
        String v = blank(value);
        if (v != null && v.length() > MAX_FILTER) {
            throw ProblemException.invalid(name, "at most " + MAX_FILTER + " characters");
        }
        return v;
    }


    private static String safeName(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}

package org.callrec.catalog.recording;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.catalog.db.Db;
import org.callrec.catalog.objectstore.ObjectStore;
import org.callrec.core.audio.G711;
import org.callrec.core.audio.WavHeader;

/**
 * The waveform of a recording: {@value #POINTS} peaks (the largest absolute sample of each slice
 * of the audio, 0 to 1), computed once from the stored audio at the first request and kept in
 * {@code recording_peaks} (one byte per point).
 */
@ApplicationScoped
public class Peaks {

    /** Points of a waveform (fewer for a recording with fewer samples). */
    public static final int POINTS = 1000;

    @Inject
    Db db;
    @Inject
    ObjectStore store;

    /** The recording's peaks, computed now if they are not kept yet. */
    public double[] of(Recording r, AudioLayout layout) {
        Optional<byte[]> kept = db.inTransaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement(
                    "SELECT peaks FROM recording_peaks WHERE recording_id = ?")) {
                s.setString(1, r.id());
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty();
                }
            }
        });
        byte[] q = kept.orElseGet(() -> {
            byte[] computed = quantise(compute(r, layout));
            db.inTransaction(tx -> {
                try (PreparedStatement s = tx.connection().prepareStatement("INSERT INTO recording_peaks "
                        + "(recording_id, peaks) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM recordings WHERE id = ?) "
                        + "ON CONFLICT (recording_id) DO NOTHING")) {
                    s.setString(1, r.id());
                    s.setBytes(2, computed);
                    s.setString(3, r.id());
                    return s.executeUpdate();
                }
            });
            return computed;
        });
        double[] out = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            out[i] = Math.round((q[i] & 0xFF) / 255.0 * 1000) / 1000.0;
        }
        return out;
    }

    private double[] compute(Recording r, AudioLayout layout) {
        try {
            List<AudioLayout.Piece> all = layout.slice(0, layout.length() - 1);
            byte[] header = readHeader(r, all);
            ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            int format = h.getShort(20) & 0xFFFF;
            int bits = h.getShort(34) & 0xFFFF;
            int bytesPerSample = Math.max(1, bits / 8);
            long dataBytes = layout.length() - WavHeader.LENGTH;
            long samples = Math.max(0, dataBytes / bytesPerSample);
            int points = (int) Math.max(1, Math.min(POINTS, samples));
            double[] peaks = new double[points];
            long perPoint = Math.max(1, (samples + points - 1) / points);
            long index = 0;
            for (AudioLayout.Piece p : layout.slice(WavHeader.LENGTH, layout.length() - 1)) {
                try (InputStream in = new BufferedInputStream(p.bytes() != null
                        ? new java.io.ByteArrayInputStream(p.bytes())
                        : store.open(r.bucket(), p.key(), p.offset(), p.length()), 1 << 16)) {
                    while (true) {
                        int v;
                        if (bytesPerSample == 1) {
                            int b = in.read();
                            if (b < 0) {
                                break;
                            }
                            v = format == WavHeader.FORMAT_MULAW ? G711.ulawToLinear((byte) b)
                                    : format == WavHeader.FORMAT_ALAW ? G711.alawToLinear((byte) b) : (b - 128) << 8;
                        } else {
                            int lo = in.read();
                            int hi = in.read();
                            if (hi < 0) {
                                break;
                            }
                            v = (short) ((hi << 8) | lo);
                            in.skipNBytes(bytesPerSample - 2);
                        }
                        int point = (int) Math.min(points - 1, index / perPoint);
                        peaks[point] = Math.max(peaks[point], Math.abs(v) / 32768.0);
                        index++;
                    }
                } catch (java.io.EOFException end) {
                    // a last partial sample
                }
            }
            return peaks;
        } catch (IOException e) {
            throw new ObjectStore.ObjectStoreException("reading the audio of " + r.id() + " failed", e);
        }
    }

    private byte[] readHeader(Recording r, List<AudioLayout.Piece> pieces) throws IOException {
        AudioLayout.Piece first = pieces.get(0);
        if (first.bytes() != null) {
            return first.bytes();
        }
        try (InputStream in = store.open(r.bucket(), first.key(), 0, WavHeader.LENGTH)) {
            return in.readNBytes(WavHeader.LENGTH);
        }
    }

    private static byte[] quantise(double[] peaks) {
        byte[] q = new byte[peaks.length];
        for (int i = 0; i < peaks.length; i++) {
            q[i] = (byte) Math.round(Math.min(1, peaks[i]) * 255);
        }
        return q;
    }
}

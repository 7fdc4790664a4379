package org.callrec.core.phonefile;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.rtp.RtpHeader;

/**
 * Writes a phone recording in any of the layouts {@link PhoneFileReader} reads (for tests and
 * tools). The number of units is given up front, since {@code dataSize} comes before the data;
 * {@link #close()} fails if a different number was written. Units carrying an RTP header get a
 * fixed 12-byte header: the codec's static payload type (or 96 for a codec name this project
 * does not know), one SSRC, sequence {@code +1} and timestamp {@code +increment} per unit unless
 * given explicitly.
 */
public final class PhoneFileWriter implements Closeable {

    private final OutputStream out;
    private final PhoneFileLayout layout;
    private final int payloadLength;
    private final int increment;
    private final long units;
    private final int payloadType;
    private final long ssrc;
    private final byte[] unit;
    private int nextSeq;
    private long nextTs;
    private long written;

    /**
     * Writes the header.
     *
     * @param out           where the file goes (closed with the writer)
     * @param codecName     the {@code codec} field (at most 63 ASCII characters)
     * @param layout        byte order and framing
     * @param payloadLength codec bytes per unit
     * @param increment     the {@code increment} field
     * @param units         how many units will follow
     */
    public PhoneFileWriter(OutputStream out, String codecName, PhoneFileLayout layout, int payloadLength, int increment,
                           long units) throws IOException {
        this(out, codecName, layout, payloadLength, increment, units, 0x5EED_CA11L, 1000, 160_000L);
    }

    /** As the other constructor, with the RTP header's SSRC, first sequence number and timestamp. */
    public PhoneFileWriter(OutputStream out, String codecName, PhoneFileLayout layout, int payloadLength, int increment,
                           long units, long ssrc, int firstSeq, long firstTimestamp) throws IOException {
        byte[] name = codecName.getBytes(StandardCharsets.US_ASCII);
        if (name.length >= PhoneFileHeader.CODEC_FIELD_LENGTH) {
            throw new IllegalArgumentException("codec name longer than 63 characters");
        }
        int unitLength = layout.framing().unitLength(layout.framing().rtpLen(payloadLength));
        long dataSize = units * unitLength;
        if (payloadLength < 1 || dataSize > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("payloadLength " + payloadLength + " × " + units + " units does not fit");
        }
        this.out = out;
        this.layout = layout;
        this.payloadLength = payloadLength;
        this.increment = increment;
        this.units = units;
        this.payloadType = AudioCodec.parse(codecName).map(AudioCodec::payloadType).orElse(96);
        this.ssrc = ssrc;
        this.nextSeq = firstSeq & 0xFFFF;
        this.nextTs = firstTimestamp & 0xFFFF_FFFFL;
        this.unit = new byte[unitLength];

        ByteBuffer h = ByteBuffer.allocate(PhoneFileHeader.LENGTH).order(layout.byteOrder());
        h.put(name);
        h.position(PhoneFileHeader.CODEC_FIELD_LENGTH);
        h.putInt(layout.framing().rtpLen(payloadLength));
        h.putInt(increment);
        h.putInt((int) dataSize);
        out.write(h.array());
    }

    /** Writes one unit: {@code payloadLength} bytes of {@code payload} from {@code off}, next sequence and timestamp. */
    public void writeUnit(byte[] payload, int off) throws IOException {
        writeUnit(payload, off, nextSeq, nextTs);
    }

    /** Writes one unit with the given RTP sequence number and timestamp (ignored without RTP headers). */
    public void writeUnit(byte[] payload, int off, int seq, long timestamp) throws IOException {
        if (written == units) {
            throw new IllegalStateException("all " + units + " units are written");
        }
        int at = 0;
        if (layout.framing().rtpHeader()) {
            RtpHeader.writeFixed(unit, 0, written == 0, payloadType, seq & 0xFFFF, timestamp & 0xFFFF_FFFFL, ssrc);
            at = PhoneFileLayout.RTP_HEADER_LENGTH;
        }
        System.arraycopy(payload, off, unit, at, payloadLength);
        out.write(unit);
        written++;
        nextSeq = (seq + 1) & 0xFFFF;
        nextTs = (timestamp + increment) & 0xFFFF_FFFFL;
    }

    @Override
    public void close() throws IOException {
        out.close();
        if (written != units) {
            throw new IllegalStateException(written + " units written, " + units + " announced in the header");
        }
    }
}

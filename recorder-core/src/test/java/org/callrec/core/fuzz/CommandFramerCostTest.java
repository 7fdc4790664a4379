package org.callrec.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.callrec.core.protocol.CommandFramer;
import org.callrec.core.protocol.Frame;
import org.junit.jupiter.api.Test;

/**
 * Prints (never asserts: the box may be loaded) what one byte of a 4 KB command costs when it
 * arrives in one read and when it arrives one byte per read, framed as {@code ControlConnection}
 * frames it ({@code pendingLooksComplete} after each read). The figures are in BENCHMARKS.md,
 * "Command framing"; the bound that is asserted is the work count of
 * {@code CommandFramerFuzzTest}.
 */
class CommandFramerCostTest {

    /** A 4,095-byte unterminated start (the limit is 4,096): long metadata, escapes, a '+'. */
    static byte[] longCommand() {
        StringBuilder sb = new StringBuilder("cmd=RecordStartRequest&id=42&device=00:11:22:33:44:55&codec=PCMA&callerNumber=+3312");
        while (sb.length() < 4095) {
            sb.append("&note=caf%C3%A9+x");
        }
        sb.setLength(4095);
        if (sb.charAt(4094) == '%' || sb.charAt(4093) == '%') {
            sb.setCharAt(4094, 'z');
            sb.setCharAt(4093, 'z');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void printsNanosPerByteAtOnceAndByteByByte() {
        byte[] command = longCommand();
        long atOnce = Long.MAX_VALUE;
        long byteByByte = Long.MAX_VALUE;
        for (int round = 0; round < 15; round++) {
            atOnce = Math.min(atOnce, frame(command, command.length));
            byteByByte = Math.min(byteByByte, frame(command, 1));
        }
        System.out.printf("Command framing, %d B unterminated command, best of 15: at once %.1f ns/byte,"
                        + " byte by byte %.1f ns/byte (%.2f ms for the command)%n", command.length,
                (double) atOnce / command.length, (double) byteByByte / command.length, byteByByte / 1e6);
        assertThat(atOnce).isPositive();
    }

    /** Nanoseconds to frame {@code command} in reads of {@code read} bytes, probing after each. */
    private static long frame(byte[] command, int read) {
        CommandFramer framer = new CommandFramer(4096);
        long t0 = System.nanoTime();
        for (int pos = 0; pos < command.length; pos += read) {
            int n = Math.min(read, command.length - pos);
            byte[] chunk = new byte[n];
            System.arraycopy(command, pos, chunk, 0, n);
            List<Frame> frames = framer.feed(chunk);
            if (!frames.isEmpty() || (framer.hasPending() && framer.pendingLooksComplete() && pos + n < 0)) {
                throw new AssertionError("no frame expected");
            }
        }
        boolean complete = framer.pendingLooksComplete();
        long nanos = System.nanoTime() - t0;
        if (!complete) {
            throw new AssertionError("the command is complete");
        }
        return nanos;
    }
}

package org.callrec.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import org.callrec.core.protocol.CommandCodec;
import org.callrec.core.protocol.CommandFramer;
import org.callrec.core.protocol.CommandSyntaxException;
import org.callrec.core.protocol.CommandTooLongException;
import org.callrec.core.protocol.Frame;
import org.callrec.core.protocol.Terminator;

/**
 * Fuzzes the control connection's framing as {@code ControlConnection} drives it: bytes in reads
 * of any size, {@code hasPending}/{@code pendingLooksComplete} after each read, the pending tail
 * flushed at the end, and every frame parsed.
 */
@Label("Fuzz: command framer")
@AddLifecycleHook(FuzzDepth.class)
class CommandFramerFuzzTest {

    static final List<String> TOKENS = List.of("cmd=", "RecordStartRequest", "RecordStopRequest", "recordstartrequest",
            "&", "&&", "=", "==", "id=", "device=", "codec=", "PCMA", "reason=", "Number=", "+33", "+", " ", "%", "%2",
            "%41", "%ZZ", "%C3%A9", "%FF", "%00", "é", "\uFFFD", "\r", "\n", "\r\n", "\n\r", "\0", "\r\r", "x", "0", "ab:cd");

    @Provide
    Arbitrary<byte[]> stream() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Fuzz.bytes(2000)),
                Tuple.of(3, Fuzz.tokens(TOKENS, 300)));
    }

    @Provide
    Arbitrary<List<Integer>> reads() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(1, 64)),
                Tuple.of(1, Arbitraries.integers().between(1, 3000)))
                .list().ofMinSize(1).ofMaxSize(50);
    }

    @Property(tries = 2000)
    @Label("nothing but CommandTooLongException escapes; frames stay within the limit and parse or fail cleanly")
    void hostileStreams(@ForAll("stream") byte[] input, @ForAll("reads") List<Integer> reads,
                        @ForAll @IntRange(min = 1, max = 600) int limit) {
        Fuzz.Outcome<Fed> run = Fuzz.run(() -> feed(new CommandFramer(limit), input, reads, true)).allowing();

        for (Frame f : run.value().frames()) {
            assertThat(f.text()).isNotBlank();
            // at most one UTF-16 char per byte: a frame never holds more than the limit
            assertThat(f.text().length()).isLessThanOrEqualTo(limit);
            Fuzz.run(() -> CommandCodec.parse(f.text())).allowing(CommandSyntaxException.class);
        }
        // each read, probe included, costs at most a constant times the limit (the pending bytes)
        assertThat(run.allocatedBytes()).isLessThanOrEqualTo(run.value().feeds() * (4096L + 64L * limit) + Fuzz.SLACK_BYTES);
    }

    @Property(tries = 2000)
    @Label("feeding and flushing allocate in proportion to the bytes and reads, whatever the limit")
    void linearWithoutProbes(@ForAll("stream") byte[] input, @ForAll("reads") List<Integer> reads) {
        int limit = 4096;

        Fuzz.Outcome<Fed> run = Fuzz.run(() -> feed(new CommandFramer(limit), input, reads, false)).allowing();

        assertThat(run.allocatedBytes()).isLessThanOrEqualTo(64L * input.length + 1024L * run.value().feeds() + Fuzz.SLACK_BYTES);
    }

    @Property(tries = 2000)
    @Label("however the bytes are split into reads, the same frames come out")
    void splitsDoNotMatter(@ForAll("stream") byte[] input, @ForAll("reads") List<Integer> reads) {
        int limit = input.length + 1;

        Fed whole = Fuzz.run(() -> feed(new CommandFramer(limit), input, List.of(input.length + 1), false))
                .allowing().value();
        Fed split = Fuzz.run(() -> feed(new CommandFramer(limit), input, reads, true)).allowing().value();

        assertThat(whole.tooLong()).isFalse();
        assertThat(split.frames()).isEqualTo(whole.frames());
    }

    @Property(tries = 1000)
    @Label("a command past the limit raises CommandTooLongException, and the framer goes on afterwards")
    void tooLong(@ForAll @IntRange(min = 32, max = 600) int limit, @ForAll @IntRange(min = 1, max = 64) int read) {
        byte[] input = new byte[limit + 1];
        Arrays.fill(input, (byte) 'a');
        CommandFramer framer = new CommandFramer(limit);

        Fed run = Fuzz.run(() -> feed(framer, input, List.of(read), false)).allowing().value();

        assertThat(run.tooLong()).isTrue();
        assertThat(framer.feed("cmd=RecordStopRequest&id=1\n".getBytes(StandardCharsets.US_ASCII)))
                .containsExactly(new Frame("cmd=RecordStopRequest&id=1", Terminator.LF));
    }

    /** What {@link #feed} got: the frames, the reads it took, and whether a command was too long. */
    record Fed(List<Frame> frames, int feeds, boolean tooLong) {
    }

    /**
     * Feeds {@code input} in reads of the given sizes (cycling), probing after each read as the
     * connection does, then flushes. A CommandTooLongException ends the run (the connection closes).
     */
    static Fed feed(CommandFramer framer, byte[] input, List<Integer> reads, boolean probe) {
        List<Frame> out = new ArrayList<>();
        int pos = 0;
        int feeds = 0;
        while (pos < input.length) {
            int n = Math.min(reads.get(feeds % reads.size()), input.length - pos);
            feeds++;
            try {
                out.addAll(framer.feed(Arrays.copyOfRange(input, pos, pos + n)));
            } catch (CommandTooLongException e) {
                return new Fed(out, feeds, true);
            }
            pos += n;
            if (probe && framer.hasPending()) {
                framer.pendingLooksComplete();
            }
        }
        Optional<Frame> tail = framer.flushPending();
        tail.ifPresent(out::add);
        assertThat(framer.hasPending()).isFalse();
        assertThat(framer.flushPending()).isEmpty();
        return new Fed(out, feeds, false);
    }
}

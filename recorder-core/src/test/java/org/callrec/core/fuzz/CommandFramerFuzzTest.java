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
import net.jqwik.api.Example;
import net.jqwik.api.Tuple;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import org.callrec.core.protocol.Command;
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

    /** What decides completeness: keys, names, escapes, white space of every kind, odd bytes. */
    static final List<String> COMPLETENESS_TOKENS = List.of("cmd=", "CMD=", " cmd ", "cmd", "RecordStartRequest",
            "RecordStopRequest", "recordSTOPrequest", "Record\u017FtopRequest", "RecordStop", "Request", "id=", "ID=",
            "%69d=", "\u0130d=", "device=", "DEVICE=", "dev", "ice=", "codec=", "Codec=", "%63odec=", "callerNumber=",
            "=", "&", "&&", "+", " ", "\t", "\u000B", "\u3000", "\u00A0", "%20", "%09", "%E3%80%80", "%E3%80",
            "%C3%A9", "%C3", "%FF", "%", "%4", "%41", "%\u0663\u0663", "%\uFF21\uFF21", "%+1", "%ZZ", "\uFFFD",
            "\uD83D\uDE00", "x", "1", "PCMA", "00:11:22:33:44:55");

    /** Whole pairs, valid and not, for commands that are complete or nearly so. */
    static final List<String> PAIRS = List.of("", " ", "\t", "\u3000", "+", "%20", "=", "=1", "cmd=RecordStopRequest",
            "cmd=RecordStartRequest", " CMD = recordstoprequest ", "cmd=+RecordStopRequest%20", "cmd=Record\u017FtopRequest",
            "cmd=RecordStart", "cmd", "cmd=", "cmd=+", "cmd=%20", "cmd=RecordStopRequest\uFFFD", "id=1", "ID", " id ",
            "%69d=7", "\u0130d=1", "id\u00A0=1", "%E3%80%80id%E3%80%80=1", "%E3%80id=1", "device=00:11", "DEVICE",
            "codec=PCMA", "%63odec=", "Codec", "codec%C3=1", "x=%4", "x=%41", "x=%ZZ", "y=%C3", "z=%\u0663\u0663",
            "z=%\uFF21\uFF21", "callerNumber=+33", "\uFFFD=1", "\uD83D\uDE00=1", "id=a=b", "%3D=1", "%26=1");

    @Provide
    Arbitrary<byte[]> unterminated() {
        Arbitrary<byte[]> pairs = Combinators.combine(Arbitraries.of("", " ", "&", " &", "\t&"),
                Arbitraries.of(PAIRS).list().ofMaxSize(8), Arbitraries.of("", " ", "&", "& ", "&\u3000", "%", "%4"))
                .as((head, ps, tail) -> (head + String.join("&", ps) + tail).getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> bytes = Arbitraries.frequencyOf(
                Tuple.of(1, Fuzz.bytes(200)),
                Tuple.of(3, pairs),
                Tuple.of(1, Combinators.combine(pairs, Fuzz.mutations(3)).as(Fuzz::mutate)),
                Tuple.of(2, Fuzz.tokens(COMPLETENESS_TOKENS, 40)),
                Tuple.of(2, Combinators.combine(Fuzz.tokens(COMPLETENESS_TOKENS, 30), Fuzz.mutations(4))
                        .as(Fuzz::mutate)));
        // no terminators: the scanner only ever sees the bytes of one command
        return bytes.map(b -> {
            byte[] out = b.clone();
            for (int i = 0; i < out.length; i++) {
                if (out[i] == '\r' || out[i] == '\n' || out[i] == 0) {
                    out[i] = '&';
                }
            }
            return out;
        });
    }

    @Property(tries = 1500)
    @Label("after every byte, pendingLooksComplete says what parsing the whole pending text says")
    void looksCompleteAsTheParserSays(@ForAll("unterminated") byte[] input) {
        CommandFramer framer = new CommandFramer(4096);
        for (int i = 0; i < input.length; i++) {
            assertThat(framer.feed(new byte[] {input[i]})).isEmpty();
            String text = new String(input, 0, i + 1, StandardCharsets.UTF_8);
            assertThat(framer.pendingLooksComplete()).as("after %s", text).isEqualTo(parserSaysComplete(text));
        }
    }

    /**
     * The rule of PROTOCOL.md ("Framing — decisions"), by parsing the whole text: it parses, is a
     * start with id, device and codec or a stop with id, and does not end inside a {@code %} escape.
     */
    static boolean parserSaysComplete(String text) {
        if (text.endsWith("%") || (text.length() > 1 && text.charAt(text.length() - 2) == '%')) {
            return false;
        }
        try {
            Command c = CommandCodec.parse(text);
            if (c.is(Command.START_REQUEST)) {
                return c.get("id").isPresent() && c.get("device").isPresent() && c.get("codec").isPresent();
            }
            return c.is(Command.STOP_REQUEST) && c.get("id").isPresent();
        } catch (CommandSyntaxException e) {
            return false;
        }
    }

    @Property(tries = 1000)
    @Label("framing looks at each byte at most twice, however the reads are split and probed")
    void workIsLinear(@ForAll("stream") byte[] input, @ForAll("reads") List<Integer> reads, @ForAll boolean byteByByte) {
        CommandFramer framer = new CommandFramer(4096);

        Fed run = feed(framer, input, byteByByte ? List.of(1) : reads, true);

        // counted work, not time: robust on a loaded machine (re-parsing the pending text after
        // each read, as the framer once did, is quadratic and fails this at once)
        assertThat(framer.bytesExamined()).as("%d reads", run.feeds()).isLessThanOrEqualTo(2L * input.length);
    }

    @Example
    @Label("a 4,095-byte command sent one byte per read is looked at no more than twice per byte")
    void longCommandByteByByte() {
        byte[] command = CommandFramerCostTest.longCommand();
        CommandFramer framer = new CommandFramer(4096);

        Fed run = feed(framer, command, List.of(1), true);

        assertThat(run.frames()).hasSize(1);
        assertThat(run.feeds()).isEqualTo(4095);
        assertThat(framer.bytesExamined()).isLessThanOrEqualTo(2L * command.length);
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

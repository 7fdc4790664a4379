package org.callrec.core.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Cutting the control connection's byte stream into commands (PROTOCOL.md, "Framing"). */
class CommandFramerTest {

    private static final String START = "cmd=RecordStartRequest&id=1234567&device=00:15:65:aa:bb:cc"
            + "&remote_number=1002&remote_name=Bob&local_number=1001&local_name=Alice&dir=out&codec=PCMA";
    private static final String STOP = "cmd=RecordStopRequest&id=1234567&remote_number=1002&remote_name=Bob"
            + "&local_number=1001&local_name=Alice&reason=hangup";

    private final CommandFramer framer = new CommandFramer(1024);

    private List<Frame> feed(String text) {
        return framer.feed(text.getBytes(UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Terminator.class, names = {"CRLF", "LF", "NUL"})
    @DisplayName("a command ended by CRLF, LF or NUL is emitted at once and remembers its terminator")
    void terminatedCommand(Terminator terminator) {
        assertThat(feed(START + terminator.text())).containsExactly(new Frame(START, terminator));
        assertThat(framer.hasPending()).isFalse();
    }

    @Test
    @DisplayName("a read carrying several commands yields all of them, in order, each with its own terminator")
    void severalCommandsInOneRead() {
        List<Frame> frames = feed(START + "\r\n" + STOP + "\n" + "cmd=RecordStopRequest&id=99" + "\0");

        assertThat(frames).containsExactly(
                new Frame(START, Terminator.CRLF),
                new Frame(STOP, Terminator.LF),
                new Frame("cmd=RecordStopRequest&id=99", Terminator.NUL));
    }

    @Test
    @DisplayName("a terminated command split over two reads is emitted once, when its terminator arrives")
    void terminatedCommandSplitOverTwoReads() {
        // the cut falls before the keys a start needs are all there
        assertThat(feed("cmd=RecordStartRequest&id=1234567&dev")).isEmpty();
        assertThat(framer.hasPending()).isTrue();

        assertThat(feed(START.substring("cmd=RecordStartRequest&id=1234567&dev".length()) + "\r\n"))
                .containsExactly(new Frame(START, Terminator.CRLF));
        assertThat(framer.hasPending()).isFalse();
    }

    @Test
    @DisplayName("a command split over three reads, with the CRLF itself split between the last two, is joined")
    void commandSplitOverThreeReads() {
        assertThat(feed("cmd=RecordStop")).isEmpty();
        assertThat(feed("Request&id=1234567&reason=hangup\r")).isEmpty();
        assertThat(feed("\n")).containsExactly(new Frame("cmd=RecordStopRequest&id=1234567&reason=hangup", Terminator.CRLF));
    }

    @Test
    @DisplayName("an unterminated command split over reads is joined, and looks complete only once the last read arrived")
    void unterminatedCommandSplitOverReads() {
        String[] reads = {"cmd=RecordStartReq", "uest&id=1234567&device=00:15:65:aa:bb:cc&remote_name=Bob", "&codec=PCMA"};

        assertThat(feed(reads[0])).isEmpty();
        assertThat(framer.pendingLooksComplete()).isFalse();
        assertThat(feed(reads[1])).isEmpty();
        assertThat(framer.pendingLooksComplete()).isFalse();
        assertThat(feed(reads[2])).isEmpty();
        assertThat(framer.pendingLooksComplete()).isTrue();
        assertThat(framer.flushPending()).contains(new Frame(String.join("", reads), Terminator.NONE));
        assertThat(framer.hasPending()).isFalse();
    }

    @Test
    @DisplayName("a first command cut after its required keys is still joined with the rest (never acted on from feed)")
    void firstCommandCutAfterItsRequiredKeys() {
        assertThat(feed("cmd=RecordStartRequest&id=cut-2&device=001565123456&codec=PCMA&remote_name=Bo")).isEmpty();
        assertThat(feed("b\r\n")).containsExactly(new Frame(
                "cmd=RecordStartRequest&id=cut-2&device=001565123456&codec=PCMA&remote_name=Bob", Terminator.CRLF));
    }

    @Test
    @DisplayName("a UTF-8 character split between two reads is joined byte-wise, not mangled")
    void utf8CharacterSplitAcrossReads() {
        byte[] bytes = ("cmd=RecordStartRequest&remote_name=Zo\u00eb&id=1&device=001565aabbcc&codec=PCMA\n").getBytes(UTF_8);
        int cut = indexOf(bytes, (byte) 0xC3) + 1; // between the two bytes of 'ë'

        assertThat(framer.feed(Arrays.copyOfRange(bytes, 0, cut))).isEmpty();
        List<Frame> frames = framer.feed(Arrays.copyOfRange(bytes, cut, bytes.length));

        assertThat(frames).singleElement().extracting(Frame::text).asString().contains("remote_name=Zo\u00eb&");
    }

    @Test
    @DisplayName("an unterminated complete command (one command per TCP write) looks complete and is flushed with NONE")
    void unterminatedCompleteCommandLooksComplete() {
        assertThat(feed(START)).isEmpty();
        assertThat(framer.pendingLooksComplete()).isTrue();
        assertThat(framer.flushPending()).contains(new Frame(START, Terminator.NONE));
        assertThat(feed(STOP)).isEmpty();
        assertThat(framer.pendingLooksComplete()).isTrue();
        assertThat(framer.flushPending()).contains(new Frame(STOP, Terminator.NONE));
        assertThat(framer.hasPending()).isFalse();
    }

    @Test
    @DisplayName("an unterminated incomplete command is held until flushPending(), which hands it over with NONE")
    void unterminatedIncompleteCommandHeldUntilFlush() {
        // a start without device and codec cannot be acted upon yet
        assertThat(feed("cmd=RecordStartRequest&id=1234567")).isEmpty();
        assertThat(framer.hasPending()).isTrue();
        assertThat(framer.pendingLooksComplete()).isFalse();

        assertThat(framer.flushPending()).contains(new Frame("cmd=RecordStartRequest&id=1234567", Terminator.NONE));
        assertThat(framer.hasPending()).isFalse();
        assertThat(framer.flushPending()).isEmpty();
    }

    @Test
    @DisplayName("an unterminated command ending in the middle of a percent escape is held, not emitted truncated")
    void unfinishedEscapeIsHeld() {
        assertThat(feed("cmd=RecordStopRequest&id=1&remote_name=Zo%C")).isEmpty();
        assertThat(framer.pendingLooksComplete()).isFalse();
        assertThat(feed("3%AB")).isEmpty();
        assertThat(framer.pendingLooksComplete()).isTrue();
        assertThat(framer.flushPending()).contains(
                new Frame("cmd=RecordStopRequest&id=1&remote_name=Zo%C3%AB", Terminator.NONE));
    }

    @Test
    @DisplayName("a command whose CR arrived but whose LF never did is flushed as a CRLF command")
    void carriageReturnWithoutLineFeedFlushed() {
        assertThat(feed("cmd=RecordStopRequest&id=1\r")).isEmpty();
        assertThat(framer.hasPending()).isTrue();

        assertThat(framer.flushPending()).contains(new Frame("cmd=RecordStopRequest&id=1", Terminator.CRLF));
        assertThat(framer.hasPending()).isFalse();
    }

    @Test
    @DisplayName("an unknown command without terminator is held (only a start or stop with its keys is complete)")
    void unknownUnterminatedCommandHeld() {
        assertThat(feed("cmd=Ping")).isEmpty();
        assertThat(framer.flushPending()).contains(new Frame("cmd=Ping", Terminator.NONE));
    }

    @Test
    @DisplayName("a command of exactly the limit is accepted; one byte more raises CommandTooLongException")
    void commandLongerThanTheLimit() {
        CommandFramer small = new CommandFramer(40);
        String exactly40 = "cmd=RecordStopRequest&id=" + "x".repeat(40 - 25);
        assertThat(exactly40).hasSize(40);

        assertThat(small.feed((exactly40 + "\n").getBytes(UTF_8))).containsExactly(new Frame(exactly40, Terminator.LF));
        assertThatThrownBy(() -> small.feed((exactly40 + "y\n").getBytes(UTF_8)))
                .isInstanceOf(CommandTooLongException.class);
    }

    @Test
    @DisplayName("the limit applies to the command as accumulated over several reads")
    void limitAppliesAcrossReads() {
        CommandFramer small = new CommandFramer(40);
        small.feed("cmd=RecordStartRequest&id=".getBytes(UTF_8));

        assertThatThrownBy(() -> small.feed("1".repeat(20).getBytes(UTF_8))).isInstanceOf(CommandTooLongException.class);
    }

    @Test
    @DisplayName("blank lines and stray terminators between commands are ignored")
    void blankLinesIgnored() {
        assertThat(feed("\r\n\n\0" + STOP + "\r\n\r\n  \n\0")).containsExactly(new Frame(STOP, Terminator.CRLF));
        assertThat(framer.hasPending()).isFalse();
    }

    @Test
    @DisplayName("a lone CR also ends a command (answered as CRLF)")
    void loneCarriageReturn() {
        assertThat(feed(STOP + "\r" + "cmd=RecordStopRequest&id=2\r\n"))
                .containsExactly(new Frame(STOP, Terminator.CRLF), new Frame("cmd=RecordStopRequest&id=2", Terminator.CRLF));
    }

    @Test
    @DisplayName("once a connection has terminated its commands, a split command is joined even if its first part looks complete")
    void splitInsideLastValueOnTerminatingConnection() {
        // the phone has shown it ends commands with CRLF
        assertThat(feed(STOP + "\r\n")).hasSize(1);

        // the next start is cut by TCP inside its last value: "codec=PC" | "MA\r\n"
        String head = START.substring(0, START.length() - 2);
        List<Frame> first = feed(head);
        List<Frame> second = feed("MA\r\n");

        assertThat(first).isEmpty();
        assertThat(framer.pendingLooksComplete()).as("a terminating peer's tail is never taken as whole").isFalse();
        assertThat(second).containsExactly(new Frame(START, Terminator.CRLF));
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"\r", " ", " \r", "\t", "cmd=RecordStopRequest&id=1\n\r"})
    @DisplayName("regression (fuzz): a lone CR or blank bytes left at the end are no command, not a blank frame")
    void blankTailIsNoCommand(String input) {
        feed(input);

        assertThat(framer.flushPending()).isEmpty();
        assertThat(framer.hasPending()).isFalse();
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError("byte not found");
    }
}

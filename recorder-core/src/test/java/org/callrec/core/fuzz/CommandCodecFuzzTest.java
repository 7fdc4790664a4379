package org.callrec.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

import org.callrec.core.protocol.Command;
import org.callrec.core.protocol.CommandCodec;
import org.callrec.core.protocol.CommandSyntaxException;

/**
 * Fuzzes the command codec: any text parses or fails with {@link CommandSyntaxException}, in
 * time and memory linear in its length; whatever {@link CommandCodec#format} writes parses back
 * to the same command.
 */
@Label("Fuzz: command codec")
@AddLifecycleHook(FuzzDepth.class)
class CommandCodecFuzzTest {

    @Provide
    Arbitrary<String> commandText() {
        Arbitrary<String> tokens = Fuzz.tokens(CommandFramerFuzzTest.TOKENS, 200)
                .map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8));
        // any char at all, lone surrogates included (a Java string can hold them)
        Arbitrary<String> chars = Arbitraries.strings().all().ofMaxLength(300);
        Arbitrary<String> commands = Combinators.combine(Arbitraries.of("cmd=RecordStartRequest&", "cmd=RecordStopRequest&",
                "CMD=x&", "&&cmd=%52ecordStopRequest&", "id=1&cmd=Ping&"), tokens).as(String::concat);
        return Arbitraries.frequencyOf(Tuple.of(3, tokens), Tuple.of(3, commands), Tuple.of(1, chars),
                Tuple.of(1, Fuzz.text(300)));
    }

    /** Names and keys as a command can carry them: not blank, no spaces around (they are stripped). */
    static Arbitrary<String> word() {
        return Fuzz.text(20).filter(s -> !s.isBlank() && s.strip().equals(s));
    }

    @Provide
    Arbitrary<Command> commands() {
        Arbitrary<String> key = word().filter(k -> !k.equalsIgnoreCase("cmd"));
        Arbitrary<String> value = Arbitraries.frequencyOf(Tuple.of(3, Fuzz.text(40)),
                Tuple.of(1, Arbitraries.of("+33 1 23", "a&b=c", "%", "%41", "+", " x ", "")));
        Arbitrary<Map<String, String>> params = Combinators.combine(key, value).as(Map::entry).list().ofMaxSize(12)
                .map(es -> {
                    Map<String, String> m = new LinkedHashMap<>();
                    es.forEach(e -> m.putIfAbsent(e.getKey(), e.getValue()));
                    return m;
                });
        return Combinators.combine(word(), params).as(Command::new);
    }

    @Property(tries = 3000)
    @Label("any text parses or throws CommandSyntaxException, allocating in proportion to its length")
    void anyText(@ForAll("commandText") String text) {
        Fuzz.Outcome<Command> run = Fuzz.run(() -> CommandCodec.parse(text)).allowing(CommandSyntaxException.class);

        Statistics.collect(run.thrown() == null ? "parsed" : "refused");
        assertThat(run.allocatedBytes()).isLessThanOrEqualTo(200L * text.length() + Fuzz.SLACK_BYTES);
        if (run.value() != null) {
            Command c = run.value();
            assertThat(c.name()).isNotBlank();
            assertThat(c.params()).doesNotContainKey("cmd");
            c.params().keySet().forEach(k -> assertThat(k).isEqualTo(k.toLowerCase(Locale.ROOT)).isNotBlank());
        }
    }

    @Property(tries = 3000)
    @Label("format then parse gives the command back")
    void formatParse(@ForAll("commands") Command command) {
        Command back = Fuzz.run(() -> CommandCodec.parse(CommandCodec.format(command))).allowing().value();

        assertThat(back).isEqualTo(command);
    }

    @Property(tries = 3000)
    @Label("what parses, formatted and parsed again, is the same command")
    void parseFormatParse(@ForAll("commandText") String text) {
        Command first = Fuzz.run(() -> CommandCodec.parse(text)).allowing(CommandSyntaxException.class).value();
        if (first == null) {
            return;
        }

        Command again = Fuzz.run(() -> CommandCodec.parse(CommandCodec.format(first))).allowing().value();

        assertThat(again).isEqualTo(first);
    }
}

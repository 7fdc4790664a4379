package org.callrec.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.callrec.core.chunk.DropReason;
import org.callrec.core.chunk.StopReason;
import org.callrec.core.protocol.RefusalReason;
import org.callrec.ingest.media.PacketCounters;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The service docs list the tokens of recorder-core's vocabularies, and only those. */
class VocabularyDocsTest {

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private static List<String> docs() throws IOException {
        return Files.readAllLines(Path.of("docs/README.md"));
    }

    private static Set<String> codeSpans(String line) {
        Matcher m = CODE.matcher(line);
        Set<String> spans = new LinkedHashSet<>();
        while (m.find()) {
            spans.add(m.group(1));
        }
        return spans;
    }

    @Test
    @DisplayName("the dropped-packets metric row names exactly the node's counters' reasons")
    void metricRow() throws IOException {
        String row = docs().stream().filter(l -> l.startsWith("| `callrec_ingest_packets_dropped_total"))
                .findFirst().orElseThrow();
        Set<String> tokens = codeSpans(row).stream().filter(t -> t.matches("[a-z-]+")).collect(Collectors.toSet());

        assertThat(tokens).isEqualTo(PacketCounters.dropReasons().stream().map(DropReason::token)
                .collect(Collectors.toSet()));
    }

    @Test
    @DisplayName("every reason of the packet path's drop table is a DropReason")
    void dropTable() throws IOException {
        List<String> lines = docs();
        int from = lines.indexOf("| reason | dropped when |");
        List<String> firstColumn = lines.stream().skip(from + 2).takeWhile(l -> l.startsWith("| `"))
                .map(l -> codeSpans(l).iterator().next()).toList();

        assertThat(firstColumn).isNotEmpty()
                .allSatisfy(token -> assertThat(DropReason.parse(token)).as(token).isPresent());
    }

    @Test
    @DisplayName("every error token of the allocate table is a RefusalReason")
    void errorTable() throws IOException {
        List<String> lines = docs();
        int from = lines.indexOf("| status | `error` | when |");
        List<String> tokens = lines.stream().skip(from + 2).takeWhile(l -> l.startsWith("| "))
                .map(l -> codeSpans(l).iterator().next()).toList();

        assertThat(tokens).isNotEmpty()
                .allSatisfy(token -> assertThat(RefusalReason.parse(token)).as(token).isPresent());
    }

    @Test
    @DisplayName("the END record's server reasons are the StopReasons other than stop")
    void endReasons() throws IOException {
        List<String> lines = docs();
        int from = lines.stream().filter(l -> l.startsWith("- END: reason")).findFirst().map(lines::indexOf)
                .orElseThrow();
        String item = String.join(" ", lines.subList(from, from + 4));
        String serverTokens = item.substring(item.indexOf("`StopReason`"), item.indexOf("), end time"));

        Set<String> tokens = codeSpans(serverTokens).stream().filter(t -> !t.equals("StopReason"))
                .collect(Collectors.toSet());

        assertThat(tokens).isNotEmpty()
                .allSatisfy(token -> assertThat(StopReason.parse(token)).as(token).isPresent());
    }
}

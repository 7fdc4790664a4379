package org.callrec.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.callrec.core.chunk.DropReason;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The metadata document's description of {@code quality.intact} follows {@link DropReason}. */
class IntactDocsTest {

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @Test
    @DisplayName("the drop reasons metadata.md says leave a recording intact are exactly those that do not count against it")
    void intactRowNamesTheHarmlessDrops() throws IOException {
        String row = Files.readAllLines(Path.of("docs/metadata.md")).stream()
                .filter(l -> l.startsWith("| `quality.intact`")).findFirst().orElseThrow();
        Set<String> named = new LinkedHashSet<>();
        Matcher m = CODE.matcher(row);
        while (m.find()) {
            DropReason.parse(m.group(1)).ifPresent(r -> named.add(r.token()));
        }

        assertThat(named).isEqualTo(Arrays.stream(DropReason.values()).filter(r -> !r.countsAgainstIntact())
                .map(DropReason::token).collect(Collectors.toSet()));
    }
}

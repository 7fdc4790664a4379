package org.callrec.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of every markdown file in the repository leads somewhere: the file or
 * folder exists and, for {@code file.md#anchor}, the heading does (GitHub's anchor rules).
 */
@DisplayName("markdown links")
class DocumentationLinksTest {

    /** {@code [text](target)}, the target without spaces or a title. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$", Pattern.MULTILINE);
    private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```.*?^\\s*```");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`\\n]*`");

    @Test
    @DisplayName("every relative link of every markdown file resolves to a file, a folder or a heading")
    void relativeLinksResolve() throws IOException {
        List<Path> documents = markdownFiles();
        assertThat(documents).as("markdown files found").contains(Repo.path("README.md"), Repo.path("docs/PROTOCOL.md"));

        List<String> broken = new ArrayList<>();
        for (Path document : documents) {
            for (String target : links(Files.readString(document))) {
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // https:, mailto: …: not ours to check offline
                }
                String problem = problem(document, target);
                if (problem != null) {
                    broken.add(Repo.root().relativize(document) + ": (" + target + ") " + problem);
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    @DisplayName("anchors follow GitHub's rules: lower case, punctuation dropped, spaces as hyphens, repeats numbered")
    void anchorRules() {
        assertThat(anchors("## Framing — decisions\n### Reading the file — decisions\n## Storage: heap per open recording (issue 4)\n"
                + "## Logs\n## Logs\n")).contains("framing--decisions", "reading-the-file--decisions",
                "storage-heap-per-open-recording-issue-4", "logs", "logs-1");
    }

    /** Why {@code target}, linked from {@code document}, leads nowhere; null when it is fine. */
    private static String problem(Path document, String target) {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
        if (!resolved.startsWith(Repo.root())) {
            return "leaves the repository";
        }
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (anchor != null && resolved.toString().endsWith(".md")
                && !anchors(read(resolved)).contains(anchor.toLowerCase(Locale.ROOT))) {
            return "no such heading in " + Repo.root().relativize(resolved);
        }
        return null;
    }

    /** Link targets outside code (fenced blocks and inline code are not links). */
    private static List<String> links(String markdown) {
        String text = INLINE_CODE.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("");
        List<String> targets = new ArrayList<>();
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            String target = m.group(1);
            if (target.startsWith("<") && target.endsWith(">")) {
                target = target.substring(1, target.length() - 1);
            }
            targets.add(target);
        }
        return targets;
    }

    /** The anchors GitHub gives a document's headings. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        Matcher m = HEADING.matcher(FENCE.matcher(markdown).replaceAll(""));
        while (m.find()) {
            String slug = m.group(1).replace("`", "").toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum);
            anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        return anchors;
    }

    /** The repository's markdown files, outside build output and hidden or local folders. */
    private static List<Path> markdownFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(Repo.root())) {
            return walk.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> {
                        for (Path part : Repo.root().relativize(p)) {
                            String name = part.toString();
                            if (name.startsWith(".") || name.equals("target") || name.equals("node_modules")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted()
                    .toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.callrec.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The package dependencies of a source tree as written in its {@code .java} files: every
 * {@code org.callrec…} name outside comments (imports, static imports, fully qualified names),
 * cut at its first capitalised segment to give a package.
 *
 * <p>It completes the bytecode view of {@link ArchitectureTest}: javac inlines compile-time
 * constants, so {@code @Priority(ControlServer.SHUTDOWN_ORDER + 10)} leaves no trace of
 * {@code ControlServer} in the class file, yet it ties the two packages together just the same.
 */
final class SourcePackageGraph {

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern NAME = Pattern.compile("\\borg\\.callrec(?:\\.\\w+)+");
    private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);
    private static final Pattern STRINGS = Pattern.compile("\"(?:\\\\.|[^\"\\\\\\n])*\"");

    /** Package → the other packages its sources name. */
    private final Map<String, Set<String>> edges = new TreeMap<>();

    private SourcePackageGraph() {
    }

    /** Reads every {@code .java} file under {@code sourceRoot}, keeping the packages under {@code rootPackage}. */
    static SourcePackageGraph of(Path sourceRoot, String rootPackage) {
        SourcePackageGraph graph = new SourcePackageGraph();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> graph.add(read(f), rootPackage));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    /** A graph of the given source texts, keeping the packages under {@code rootPackage}. */
    static SourcePackageGraph ofSources(String rootPackage, String... sources) {
        SourcePackageGraph graph = new SourcePackageGraph();
        for (String source : sources) {
            graph.add(source, rootPackage);
        }
        return graph;
    }

    /** Adds one source file's text. */
    private void add(String source, String rootPackage) {
        String code = COMMENTS.matcher(STRINGS.matcher(source).replaceAll("\"\"")).replaceAll("");
        Matcher pkg = PACKAGE.matcher(code);
        if (!pkg.find() || !isUnder(pkg.group(1), rootPackage)) {
            return;
        }
        String from = pkg.group(1);
        Set<String> to = edges.computeIfAbsent(from, k -> new TreeSet<>());
        Matcher name = NAME.matcher(code);
        while (name.find()) {
            String target = packageOf(name.group());
            if (!target.equals(from) && isUnder(target, rootPackage)) {
                to.add(target);
                edges.computeIfAbsent(target, k -> new TreeSet<>());
            }
        }
    }

    /** The packages seen. */
    Set<String> packages() {
        return edges.keySet();
    }

    /**
     * Every set of two or more packages that reach each other (the strongly connected components
     * of the graph, Tarjan's algorithm), each sorted; empty when the graph has no cycle.
     */
    List<Set<String>> cycles() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        for (String p : edges.keySet()) {
            if (!index.containsKey(p)) {
                connect(p, index, low, stack, onStack, out);
            }
        }
        return out;
    }

    private void connect(String p, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                         Set<String> onStack, List<Set<String>> out) {
        index.put(p, index.size());
        low.put(p, index.get(p));
        stack.push(p);
        onStack.add(p);
        for (String q : edges.get(p)) {
            if (!index.containsKey(q)) {
                connect(q, index, low, stack, onStack, out);
                low.put(p, Math.min(low.get(p), low.get(q)));
            } else if (onStack.contains(q)) {
                low.put(p, Math.min(low.get(p), index.get(q)));
            }
        }
        if (low.get(p).equals(index.get(p))) {
            Set<String> component = new TreeSet<>();
            String q;
            do {
                q = stack.pop();
                onStack.remove(q);
                component.add(q);
            } while (!q.equals(p));
            if (component.size() > 1) {
                out.add(component);
            }
        }
    }

    /** {@code a.b.C.D} and {@code a.b.C} → {@code a.b}; {@code a.b} (a wildcard import's package) → itself. */
    static String packageOf(String qualifiedName) {
        String[] parts = qualifiedName.split("\\.");
        StringBuilder pkg = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length && !Character.isUpperCase(parts[i].charAt(0)); i++) {
            pkg.append('.').append(parts[i]);
        }
        return pkg.toString();
    }

    private static boolean isUnder(String pkg, String root) {
        return pkg.equals(root) || pkg.startsWith(root + ".");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

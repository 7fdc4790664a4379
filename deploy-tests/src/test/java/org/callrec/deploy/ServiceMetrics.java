package org.callrec.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Prometheus metric names the services expose, as far as the repository can tell, and the
 * metric names a PromQL expression uses.
 *
 * <p>A callrec metric counts as exposed when it is both <em>documented</em> (a backticked
 * {@code callrec_…} name in the service's {@code docs/README.md}, its metrics table or list; not a
 * pattern such as {@code callrec_ingest_*}) and
 * <em>registered</em> (a meter name given to Micrometer in the service's {@code src/main/java}:
 * {@code registry.counter("…")}, {@code Gauge.builder("…")}, {@code FunctionCounter.builder("…")},
 * {@code Timer.builder("…")} …, or a {@code METRIC} constant holding it, whose dotted name becomes the Prometheus name with {@code _}, plus
 * {@code _total} for counters and the base unit ({@code _seconds}, {@code _records}) where set).
 * A meter renamed in the code, or a doc row renamed without the code, so drops out of the set.
 * Summaries and timers (type column {@code summary}/{@code timer}) add their {@code _count},
 * {@code _sum} and {@code _max} series. Besides them, {@link #FRAMEWORK} lists the few meters of
 * Micrometer's and Quarkus' own binders the dashboard uses.
 */
final class ServiceMetrics {

    /** The services' modules, whose docs and sources are scanned. */
    static final List<String> MODULES = List.of("control-service", "media-ingest-service", "storage-service",
            "catalog-service");

    /**
     * Meters of the binders Quarkus registers in every service and the docs mention only as "the JVM
     * meters": Micrometer's JVM memory, GC, thread and processor binders ({@code quarkus.micrometer.binder.jvm},
     * on by default; {@link ObservabilityTest} checks no service turns it off), and Quarkus' HTTP-client
     * binder, whose {@code uri} tag control-service shapes (its {@code match-patterns}).
     */
    static final Set<String> FRAMEWORK = Set.of("jvm_memory_used_bytes", "jvm_memory_max_bytes",
            "jvm_gc_pause_seconds_count", "jvm_gc_pause_seconds_sum", "jvm_gc_pause_seconds_max",
            "jvm_threads_live_threads", "process_cpu_usage", "system_cpu_count",
            "http_client_requests_seconds_count", "http_client_requests_seconds_sum", "http_client_requests_seconds_max");

    /** Suffixes Micrometer's Prometheus naming adds to a meter's dotted name: counter, base units, summary series. */
    private static final List<String> SUFFIXES = List.of("", "_total", "_seconds", "_records", "_bytes",
            "_seconds_count", "_seconds_sum", "_seconds_max", "_count", "_sum", "_max");

    private static final Pattern DOCUMENTED = Pattern.compile("`(callrec_[a-z0-9_]*[a-z0-9])(?![\\w*])");
    private static final Pattern TABLE_ROW = Pattern.compile("^\\|([^|]*)\\|\\s*([a-z]+)[^|]*\\|", Pattern.MULTILINE);
    private static final Pattern REGISTERED = Pattern.compile(
            "(?:(?:counter|gauge|timer|summary|builder)\\(|String \\w*(?:METRIC|METER)\\w* = )\\s*\"(callrec[._][a-z0-9._]+)\"",
            Pattern.CASE_INSENSITIVE);

    private ServiceMetrics() {
    }

    /** Documented names by module (with the _count/_sum/_max series of summaries and timers). */
    static Map<String, Set<String>> documented() {
        Map<String, Set<String>> names = new TreeMap<>();
        for (String module : MODULES) {
            String doc = Repo.read(module + "/docs/README.md");
            Set<String> found = new TreeSet<>();
            Matcher m = DOCUMENTED.matcher(doc);
            while (m.find()) {
                found.add(m.group(1));
            }
            Matcher row = TABLE_ROW.matcher(doc);
            while (row.find()) {
                if (Set.of("summary", "timer", "histogram").contains(row.group(2))) {
                    Matcher name = DOCUMENTED.matcher(row.group(1));
                    while (name.find()) {
                        for (String series : List.of("_count", "_sum", "_max")) {
                            found.add(name.group(1) + series);
                        }
                    }
                }
            }
            names.put(module, found);
        }
        return names;
    }

    /** Meter names registered in each module's main sources, with dots made underscores. */
    static Map<String, Set<String>> registered() {
        Map<String, Set<String>> names = new TreeMap<>();
        for (String module : MODULES) {
            Set<String> found = new TreeSet<>();
            try (Stream<Path> files = Files.walk(Repo.path(module + "/src/main/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = REGISTERED.matcher(Files.readString(file));
                    while (m.find()) {
                        found.add(m.group(1).replace('.', '_'));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            names.put(module, found);
        }
        return names;
    }

    /** Every name a service exposes: documented and registered in the same module, or a framework meter. */
    static Set<String> exposed() {
        Map<String, Set<String>> documented = documented();
        Map<String, Set<String>> registered = registered();
        Set<String> exposed = new TreeSet<>(FRAMEWORK);
        for (String module : MODULES) {
            for (String name : documented.get(module)) {
                if (registered.get(module).stream().anyMatch(meter -> SUFFIXES.stream()
                        .anyMatch(suffix -> name.equals(meter + suffix)))) {
                    exposed.add(name);
                }
            }
        }
        return exposed;
    }

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan");

    /**
     * The metric names of a PromQL expression: what is left once strings, label matchers, ranges,
     * grouping label lists, numbers and Grafana variables are taken out, and functions (a name
     * followed by a parenthesis) and keywords are skipped.
     */
    static Set<String> namesIn(String expr) {
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ")
                .replaceAll("\\$\\{?\\w+}?", " ")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("(?<![\\w:])\\d+(ms|s|m|h|d|w|y)\\b", " ")
                .replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("(?<![\\w:])\\d+(\\.\\d+)?([eE][+-]?\\d+)?", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*(\\s*\\()?").matcher(s);
        while (m.find()) {
            String token = m.group().replaceAll("[\\s(]", "");
            if (m.group(1) == null && !KEYWORDS.contains(token.toLowerCase())) {
                names.add(token);
            }
        }
        return names;
    }
}

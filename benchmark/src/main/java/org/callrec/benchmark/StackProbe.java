package org.callrec.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the hostile load looks at on a running local stack, once before and once after: per
 * service whether its process is alive ({@code <pid-dir>/<name>.pid}) and ready
 * ({@code /q/health/ready} says UP), its RSS ({@code /proc/<pid>/status} VmRSS), its used heap
 * and every {@code callrec_*} series of its {@code /q/metrics}; and the sizes of the spill and
 * log directories.
 */
final class StackProbe {

    /** One service: its name (as in the pid file) and its management base URL. */
    record Service(String name, URI management) {
    }

    /** What one service showed. Absent values were not available (no pid, no answer). */
    record ServiceState(boolean alive, boolean ready, OptionalLong rssBytes, OptionalLong heapBytes,
                        Map<String, Double> series, String problem) {
    }

    /** A whole snapshot. */
    record Snapshot(Map<String, ServiceState> services, OptionalLong spillBytes, OptionalLong logBytes) {
    }

    private final Map<String, Service> services;
    private final Path pidDir;
    private final Path spillDir;
    private final Path logDir;
    private final Optional<String> authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    StackProbe(Map<String, Service> services, Path pidDir, Path spillDir, Path logDir, Optional<String> authorization) {
        this.services = services;
        this.pidDir = pidDir;
        this.spillDir = spillDir;
        this.logDir = logDir;
        this.authorization = authorization;
    }

    Snapshot snapshot() {
        Map<String, ServiceState> states = new LinkedHashMap<>();
        services.values().forEach(s -> states.put(s.name(), probe(s)));
        return new Snapshot(states, directorySize(spillDir), directorySize(logDir));
    }

    /** Size of the spill directory now (read during the run by the spill guard). */
    OptionalLong spillBytes() {
        return directorySize(spillDir);
    }

    /** Asks each service's JVM for a full GC ({@code jcmd <pid> GC.run}); quietly skipped without jcmd. */
    void collectGarbage() {
        if (pidDir == null) {
            return;
        }
        for (Service s : services.values()) {
            OptionalLong pid = ProcessCpu.readPid(pidDir.resolve(s.name() + ".pid"));
            if (pid.isEmpty()) {
                continue;
            }
            try {
                Process p = new ProcessBuilder("jcmd", Long.toString(pid.getAsLong()), "GC.run")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroy();
                }
            } catch (IOException e) {
                return; // no jcmd here
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private ServiceState probe(Service s) {
        OptionalLong pid = pidDir == null ? OptionalLong.empty() : ProcessCpu.readPid(pidDir.resolve(s.name() + ".pid"));
        boolean alive = pid.isPresent() && ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false);
        OptionalLong rss = pid.isPresent() ? rss(pid.getAsLong()) : OptionalLong.empty();
        String problem = pid.isPresent() ? null : "no pid file";
        boolean ready = false;
        Map<String, Double> series = new TreeMap<>();
        OptionalLong heap = OptionalLong.empty();
        try {
            HttpResponse<String> health = get(s.management().resolve("/q/health/ready"));
            ready = health.statusCode() == 200 && health.body().replace(" ", "").contains("\"status\":\"UP\"");
            HttpResponse<String> metrics = get(s.management().resolve("/q/metrics"));
            if (metrics.statusCode() == 200) {
                Map<String, Double> all = parsePrometheus(metrics.body());
                double h = all.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("jvm_memory_used_bytes{") && e.getKey().contains("area=\"heap\""))
                        .mapToDouble(Map.Entry::getValue).sum();
                heap = all.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"))
                        ? OptionalLong.of((long) h) : OptionalLong.empty();
                all.forEach((k, v) -> {
                    if (k.startsWith("callrec_")) {
                        series.put(k, v);
                    }
                });
            } else {
                problem = "metrics answered HTTP " + metrics.statusCode();
            }
        } catch (IOException e) {
            problem = "management port: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        return new ServiceState(alive, ready, rss, heap, series, problem);
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        authorization.ifPresent(a -> b.header("Authorization", a));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Prometheus text format: {@code name{labels} value}, comments skipped. */
    static Map<String, Double> parsePrometheus(String text) {
        Map<String, Double> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                continue;
            }
            try {
                out.merge(line.substring(0, space).strip(), Double.parseDouble(line.substring(space + 1).strip()), Double::sum);
            } catch (NumberFormatException e) {
                // a value we cannot read (NaN is read): skipped
            }
        }
        return out;
    }

    /** VmRSS of a process, in bytes. */
    static OptionalLong rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone, or no /proc
        }
        return OptionalLong.empty();
    }

    static OptionalLong directorySize(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return OptionalLong.empty();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return OptionalLong.of(files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // removed while we walked
                }
            }).sum());
        } catch (IOException | UncheckedIOException e) {
            return OptionalLong.empty();
        }
    }
}

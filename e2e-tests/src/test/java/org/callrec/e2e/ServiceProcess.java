package org.callrec.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service of the suite running as a child JVM from its packaged Quarkus fast-jar, exactly
 * as {@code run.sh} and a container run it (plus a {@link ClassDataArchive} and C1-only JIT, which
 * only make the JVM start sooner); its output goes to a log file kept for diagnosis.
 */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;
    /** The management interface's port (health, metrics); -1 when not known. */
    private int managementPort = -1;

    /** This start's use of the service's class-data archive. */
    private final ClassDataArchive.Use archive;

    private ServiceProcess(String name, Process process, Path log, ClassDataArchive.Use archive) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.archive = archive;
    }

    /**
     * Starts {@code <root>/<module>/target/quarkus-app/quarkus-run.jar} with the given
     * configuration as system properties and waits until {@code readyPort} accepts TCP.
     */
    static ServiceProcess start(String module, Map<String, String> config, int readyPort) throws IOException {
        Path jar = jar(module);
        ClassDataArchive.Use archive = ClassDataArchive.forStart(module, jar, true);
        List<String> cmd = command(jar, config, archive);
        Path logs = Path.of(System.getProperty("callrec.e2e.logs", "target/e2e-logs"));
        Files.createDirectories(logs);
        Path log = logs.resolve(module + "-" + System.currentTimeMillis() + ".log");
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            ClassDataArchive.exited(archive, false);
            throw e;
        }
        ServiceProcess service = new ServiceProcess(module, p, log, archive);
        service.awaitPort(readyPort, Duration.ofSeconds(60));
        return service;
    }

    /** {@code <root>/<module>/target/quarkus-app/quarkus-run.jar}. */
    private static Path jar(String module) {
        Path root = Path.of(System.getProperty("callrec.root", ".."));
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build with ./mvnw verify (or package) first");
        }
        return jar;
    }

    /**
     * The java command line of the service's {@code jar} with {@code config}, and the options of its {@link ClassDataArchive}.
     */
    private static List<String> command(Path jar, Map<String, String> config, ClassDataArchive.Use archive) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        // C1 only, as Quarkus's dev mode runs: a shorter start and less CPU for compiling on a
        // small CI machine; the same code runs, only its peak speed (no C2) differs
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(archive.options());
        config.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar.toString());
        return cmd;
    }

    /** How a service that was expected to refuse to start ended: its exit code and its output. */
    record Exited(int exitCode, String output) {
    }

    /**
     * Runs the service with {@code config} and waits for it to exit by itself, as one that
     * refuses to start does; one still running after {@code timeout} is killed and answered
     * with exit code -1.
     */
    static Exited runUntilExit(String module, Map<String, String> config, Duration timeout) throws IOException {
        // a service that refuses to start loads only part of its classes: it uses an archive, never writes one
        Path jar = jar(module);
        List<String> cmd = command(jar, config, ClassDataArchive.forStart(module, jar, false));
        Path log = Files.createTempFile("callrec-" + module, ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return new Exited(exited ? p.exitValue() : -1, Files.readString(log));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException(e);
        }
    }

    /**
     * Starts the service with its management interface on {@code managementPort} (health and
     * metrics) and waits until {@code /q/health/ready} there answers 200.
     */
    static ServiceProcess startReady(String module, Map<String, String> config, int managementPort)
            throws IOException {
        Map<String, String> c = new java.util.LinkedHashMap<>(config);
        c.put("quarkus.management.port", Integer.toString(managementPort));
        ServiceProcess service = start(module, c, managementPort);
        service.managementPort = managementPort;
        service.awaitReady(Duration.ofSeconds(60));
        return service;
    }

    private void awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> r = management("/q/health/ready");
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        close();
        throw new IllegalStateException(name + " not ready in " + timeout + " (" + last + "); see " + log);
    }

    /** The management interface's port ({@link #startReady}). */
    int managementPort() {
        return managementPort;
    }

    /** The Prometheus text at {@code /q/metrics}. */
    String metrics() throws IOException {
        HttpResponse<String> r = management("/q/metrics");
        if (r.statusCode() != 200) {
            throw new IOException(name + " /q/metrics answered " + r.statusCode());
        }
        return r.body();
    }

    /** GET on the management interface. */
    HttpResponse<String> management(String path) throws IOException {
        if (managementPort < 0) {
            throw new IllegalStateException(name + " was not started with a management port");
        }
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private void awaitPort(int port, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
        close();
        throw new IllegalStateException(name + " did not open port " + port + " in " + timeout + "; see " + log);
    }

    /** The service's output so far. */
    String output() throws IOException {
        return Files.readString(log);
    }

    Path log() {
        return log;
    }

    /** Kills the service at once, as {@code kill -9} or a node failure does: no shutdown hook runs. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ClassDataArchive.exited(archive, false);
    }

    /**
     * Ends the service once a test is done with it (the stack's close): at once, as {@link #kill()}
     * does, since nothing is asserted about a shutdown then; but the way {@link #close()} does if
     * this start is to write its service's {@link ClassDataArchive}, which the JVM does on a clean
     * exit only. A test that asserts something about a shutdown stops the service itself.
     */
    void discard() {
        if (archive.writes() != null) {
            close();
        } else {
            kill();
        }
    }

    /** Whether the process still runs. */
    boolean alive() {
        return process.isAlive();
    }

    /** Stops the service the way an operator does: SIGTERM, then a bounded wait. */
    @Override
    public void close() {
        boolean exited = false;
        process.destroy();
        try {
            exited = process.waitFor(20, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        ClassDataArchive.exited(archive, exited);
    }
}

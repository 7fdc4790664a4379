package org.callrec.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The helm binary: {@code $HELM}, else {@code .tools/bin/helm} (scripts/install-helm.sh), else
 * {@code helm} on the PATH. Without it the tests are skipped, unless
 * {@code CALLREC_REQUIRE_HELM=true} (CI), where that is a failure.
 */
final class Helm {

    /** Release name and namespace of every render (the same as scripts/render-k8s.sh). */
    static final String RELEASE = "callrec";
    static final String NAMESPACE = "callrec";
    static final String CHART = "helm/callrec";

    /** Outcome of one helm command. */
    record Result(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private final Path binary;

    private Helm(Path binary) {
        this.binary = binary;
    }

    /** The helm binary, or the calling test is aborted (skipped) when there is none and CI does not require one. */
    static Helm require() {
        Optional<Path> found = locate();
        if (found.isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CALLREC_REQUIRE_HELM"))) {
                fail("helm is required (CALLREC_REQUIRE_HELM=true) but was not found: run scripts/install-helm.sh");
            }
            Assumptions.abort("helm not found (run scripts/install-helm.sh): chart checks skipped");
        }
        return new Helm(found.get());
    }

    private static Optional<Path> locate() {
        String env = System.getenv("HELM");
        if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) {
            return Optional.of(Path.of(env));
        }
        Path tools = Repo.path(".tools/bin/helm");
        if (Files.isExecutable(tools)) {
            return Optional.of(tools);
        }
        String pathVar = System.getenv().getOrDefault("PATH", "");
        for (String dir : pathVar.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "helm");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    Path binary() {
        return binary;
    }

    /** {@code helm template} of the chart with the given extra arguments (values files, --set). */
    Result template(String... args) {
        List<String> command = new ArrayList<>(List.of("template", RELEASE, Repo.path(CHART).toString(),
                "--namespace", NAMESPACE));
        command.addAll(List.of(args));
        return run(command);
    }

    /** The rendered manifests; fails the test when helm refuses. */
    String render(String... args) {
        Result result = template(args);
        if (!result.ok()) {
            fail("helm template %s failed: %s", String.join(" ", args), result.stderr());
        }
        return result.stdout();
    }

    /** Arguments for {@link #template}/{@link #render}: a values file of the repository, then {@code --set} each of sets. */
    static String[] values(String file, String... sets) {
        List<String> args = new ArrayList<>(List.of("--values", Repo.path(file).toString()));
        for (String set : sets) {
            args.add("--set");
            args.add(set);
        }
        return args.toArray(String[]::new);
    }

    /** Any helm command. */
    Result run(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(args);
        return exec(command, Map.of());
    }

    /** Runs a command from the repository root, with helm's location in {@code $HELM}. */
    Result exec(List<String> command, Map<String, String> env) {
        try {
            Path out = Files.createTempFile("helm-out", ".txt");
            Path err = Files.createTempFile("helm-err", ".txt");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(Repo.root().toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().put("HELM", binary.toString());
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    fail("timed out: %s", command);
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

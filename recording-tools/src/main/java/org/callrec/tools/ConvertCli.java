package org.callrec.tools;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.callrec.core.phonefile.PhoneFileConverter;
import org.callrec.core.phonefile.PhoneFileException;
import org.callrec.core.phonefile.PhoneFileLayout;

/**
 * {@code callrec-convert}: converts the phone's own recording files ({@code Record_*}, e.g. from
 * the phone's USB stick) to WAV, 16-bit PCM mono at the codec's rate.
 *
 * <pre>
 * java -jar callrec-convert.jar [--out DIR] [--force] FILE|DIR...
 * </pre>
 * A directory is searched recursively for files whose name starts with {@code Record_}
 * (case-insensitive), our own {@code *.converted.wav} outputs excepted; a file named on the
 * command line is converted whatever its name. Each output is {@code <name>.converted.wav}
 * beside its input ({@code Record_20250304.wav} → {@code Record_20250304.converted.wav}), or
 * {@code DIR/<name>.wav} with {@code --out DIR}. An existing output is skipped unless
 * {@code --force}. Outputs appear whole or not at all (written to a temporary file, then
 * renamed).
 *
 * <p>Exit codes: {@value #OK} every file converted (or skipped as already converted);
 * {@value #SOME_FAILED} at least one file could not be converted (not a phone recording,
 * truncated, unsupported codec, I/O error) — the others are converted;
 * {@value #USAGE} bad command line; {@value #NOTHING_FOUND} no {@code Record_*} file found.
 */
public final class ConvertCli {

    /** Every file converted or already converted. */
    public static final int OK = 0;
    /** At least one file could not be converted. */
    public static final int SOME_FAILED = 1;
    /** Bad command line. */
    public static final int USAGE = 2;
    /** Nothing to convert. */
    public static final int NOTHING_FOUND = 3;

    static final String CONVERTED_SUFFIX = ".converted.wav";

    private static final String HELP = """
            Usage: callrec-convert [--out DIR] [--force] FILE|DIR...
            Converts the phone's own recording files (Record_*, e.g. from its USB stick) to WAV
            (16-bit PCM, mono, 8 kHz for PCMA/PCMU, 16 kHz for G.722).

              FILE        a phone recording, converted whatever its name
              DIR         searched recursively for Record_* files
              --out DIR   write DIR/<name>.wav instead of <name>.converted.wav beside each input
              --force     overwrite existing outputs (default: skip them)
              --help      this text

            Prints one line per file: codec, duration, layout and output.
            Exit codes: 0 all converted, 1 some file failed, 2 usage error, 3 no Record_* file found.
            """;

    private ConvertCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path outDir = null;
        boolean force = false;
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    out.print(HELP);
                    return OK;
                }
                case "--force" -> force = true;
                case "--out" -> {
                    if (++i == args.length) {
                        err.println("--out needs a directory");
                        return USAGE;
                    }
                    outDir = Path.of(args[i]);
                }
                default -> {
                    if (args[i].startsWith("--")) {
                        err.println("unknown option " + args[i] + "\n" + HELP);
                        return USAGE;
                    }
                    inputs.add(Path.of(args[i]));
                }
            }
        }
        if (inputs.isEmpty()) {
            err.print(HELP);
            return USAGE;
        }
        List<Path> files = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                try (Stream<Path> walk = Files.walk(in)) {
                    walk.filter(Files::isRegularFile).filter(ConvertCli::isRecordFile).sorted().forEach(files::add);
                } catch (IOException | java.io.UncheckedIOException e) {
                    err.println(in + ": cannot list the directory: " + e.getMessage());
                    return SOME_FAILED;
                }
            } else if (Files.isRegularFile(in)) {
                files.add(in);
            } else {
                err.println(in + ": no such file or directory");
                return USAGE;
            }
        }
        if (files.isEmpty()) {
            err.println("no Record_* file found in " + inputs);
            return NOTHING_FOUND;
        }
        if (outDir != null) {
            try {
                Files.createDirectories(outDir);
            } catch (IOException e) {
                err.println(outDir + ": cannot create the output directory: " + e.getMessage());
                return USAGE;
            }
        }
        int failed = 0;
        for (Path file : files) {
            if (!convert(file, target(file, outDir), force, out, err)) {
                failed++;
            }
        }
        if (files.size() > 1) {
            out.printf(Locale.ROOT, "%d file(s): %d converted or skipped, %d failed%n", files.size(), files.size() - failed,
                    failed);
        }
        return failed == 0 ? OK : SOME_FAILED;
    }

    static boolean isRecordFile(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.startsWith("record_") && !name.endsWith(CONVERTED_SUFFIX);
    }

    static Path target(Path file, Path outDir) {
        String name = file.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".wav") ? name.substring(0, name.length() - 4) : name;
        return outDir != null ? outDir.resolve(stem + ".wav") : file.resolveSibling(stem + CONVERTED_SUFFIX);
    }

    private static boolean convert(Path file, Path target, boolean force, PrintStream out, PrintStream err) {
        try {
            if (Files.exists(target) && Files.isSameFile(file, target)) {
                err.println(file + ": not converted: the output would overwrite the input; use another --out");
                return false;
            }
            if (Files.exists(target) && !force) {
                out.println(file + ": skipped, " + target + " exists (--force overwrites)");
                return true;
            }
        } catch (IOException e) {
            err.println(file + ": not converted: " + e.getMessage());
            return false;
        }
        Path parent = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(parent, ".callrec-convert-", ".tmp");
            PhoneFileConverter.Conversion c;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 65_536);
                 OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp), 65_536)) {
                c = PhoneFileConverter.toWav(in, o);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            out.printf(Locale.ROOT, "%s: %s, %s (%.3f s), %d Hz, %s, %s -> %s%n", file, c.header().codec(),
                    clock(c.duration().toMillis()), c.duration().toMillis() / 1000.0, c.sampleRate(),
                    c.layout().byteOrderName(), framing(c.layout().framing()), target);
            for (String w : c.warnings()) {
                out.println(file + ": warning: " + w);
            }
            return true;
        } catch (PhoneFileException e) {
            err.println(file + ": not converted: " + e.getMessage());
            return false;
        } catch (IOException | RuntimeException e) {
            err.println(file + ": not converted: " + e);
            return false;
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary file stays; nothing else to do
                }
            }
        }
    }

    static String framing(PhoneFileLayout.Framing f) {
        return switch (f) {
            case PAYLOAD -> "no RTP header";
            case RTP_COUNTED -> "RTP header in rtpLen";
            case RTP_UNCOUNTED -> "RTP header + rtpLen";
        };
    }

    static String clock(long millis) {
        return String.format(Locale.ROOT, "%02d:%02d:%02d.%03d", millis / 3_600_000, millis / 60_000 % 60,
                millis / 1000 % 60, millis % 1000);
    }
}

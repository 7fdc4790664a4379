package org.callrec.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A JDK class-data sharing archive per service (dynamic CDS, JEP 350), so that the suite's many
 * starts of the same fast-jar do not each parse and verify the same classes again: a service's
 * first start in this JVM writes {@code <module>.jsa} when it exits ({@code -XX:ArchiveClassesAtExit}),
 * every later start maps it ({@code -XX:SharedArchiveFile}). The services run the same jar, code and
 * settings either way; the archive only holds class metadata, and the JVM checks it against the
 * classes it loads (an archive that does not match is not used, and the start is merely slower).
 *
 * <p>The archives live in {@code callrec.e2e.cds} (the module's {@code target/e2e-cds}); one older
 * than the service's jar is written again.
 */
final class ClassDataArchive {

    private static final Path DIR = Path.of(System.getProperty("callrec.e2e.cds", "target/e2e-cds"));
    /** Modules whose archive a running process writes at its exit. */
    private static final Set<String> WRITING = new HashSet<>();

    /**
     * How one start of a service uses the archive.
     *
     * @param options the JVM options to add
     * @param writes the file the process writes at its exit ({@link #exited} moves it in place), or null
     */
    record Use(String module, List<String> options, Path writes) {
    }

    private ClassDataArchive() {
    }

    /**
     * The archive options of a start of {@code module} from {@code jar}: the archive if there is a
     * current one, else (when {@code mayWrite} and no other process writes it) the order to write
     * it at exit, else none.
     */
    static synchronized Use forStart(String module, Path jar, boolean mayWrite) {
        // the archive's own warnings (classes it skips, one it cannot use) are no part of the service's log
        String quiet = "-Xlog:cds*=error";
        Path archive = DIR.resolve(module + ".jsa");
        try {
            if (Files.exists(archive)) {
                if (Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) >= 0) {
                    return new Use(module, List.of(quiet, "-XX:SharedArchiveFile=" + archive), null);
                }
                Files.delete(archive);
            }
            if (!mayWrite || WRITING.contains(module)) {
                return new Use(module, List.of(), null);
            }
            Files.createDirectories(DIR);
            Path writes = DIR.resolve(module + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".jsa.tmp");
            WRITING.add(module);
            return new Use(module, List.of(quiet, "-XX:ArchiveClassesAtExit=" + writes), writes);
        } catch (IOException e) {
            return new Use(module, List.of(), null);
        }
    }

    /**
     * After the process of {@code use} has exited: the archive it wrote, if it ended by itself
     * ({@code cleanly}: not killed, so the archive is whole), becomes the module's archive.
     */
    static synchronized void exited(Use use, boolean cleanly) {
        if (use.writes() == null || !WRITING.remove(use.module())) {
            return;
        }
        try {
            if (cleanly && Files.exists(use.writes()) && Files.size(use.writes()) > 0) {
                Files.move(use.writes(), DIR.resolve(use.module() + ".jsa"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
            Files.deleteIfExists(use.writes());
        } catch (IOException e) {
            // no archive: the next start writes one
        }
    }
}

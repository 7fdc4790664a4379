package org.callrec.storage.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.core.auth.BearerTokens;
import org.callrec.storage.config.StorageConfig;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

/**
 * Who may import, and into which tenant: the credentials file ({@code storage.import.credentials-file}).
 * One credential per line, {@code <tenant> <token>} or {@code <tenant> sha256:<64 hex digits>}
 * (the SHA-256 of the token, so the file need not hold the token itself); blank lines and lines
 * starting with {@code #} are ignored, and so is (with a WARN naming its line number, never its
 * content) a line that does not fit: a tenant outside {@code A-Z a-z 0-9 . _ -} (1–64 characters),
 * a token shorter than {@value #MIN_TOKEN} characters, a hash that is not 64 hex digits. Several
 * credentials may share a tenant (rotation: add the new one, move the clients, remove the old).
 *
 * <p>A request presents {@code Authorization: Bearer <token>}; the token's SHA-256 is compared with
 * every credential's in constant time ({@link MessageDigest#isEqual}), all of them every time.
 * The file is read at startup (a configured file that cannot be read stops the service) and every
 * {@code storage.import.credentials-reload-interval} after that; a change applies at once, and a
 * file that can no longer be read (or is over 1 MiB) accepts nothing until it can: revoking by
 * deleting the file works.
 */
@ApplicationScoped
public class ImportCredentials {

    /** Shortest token accepted in the file (in the clear; a hash hides the length). */
    static final int MIN_TOKEN = 16;

    private static final Logger LOG = Logger.getLogger(ImportCredentials.class);
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final long MAX_FILE = 1 << 20;

    /** Why a request was not authenticated: the {@code reason} tag of {@code callrec_storage_import_auth_failures_total}. */
    public enum Failure {
        /** No {@code Authorization} header. */
        MISSING("missing"),
        /** An {@code Authorization} header that is not {@code Bearer <token>}. */
        NOT_BEARER("not-bearer"),
        /** A bearer token that matches no credential. */
        UNKNOWN_TOKEN("unknown-token");

        private final String tag;

        Failure(String tag) {
            this.tag = tag;
        }

        /** The metric tag. */
        public String tag() {
            return tag;
        }
    }

    /** One credential: its tenant and the SHA-256 of its token. */
    record Entry(String tenant, byte[] sha256) {
    }

    /**
     * The credentials of one reading of the file.
     *
     * @param entries  the usable lines
     * @param problems why other lines were ignored (line numbers, never content)
     */
    record Table(List<Entry> entries, List<String> problems) {

        /** Parses the file's text. */
        static Table parse(String text) {
            List<Entry> entries = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            String[] lines = text.split("\r?\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+");
                int n = i + 1;
                if (parts.length != 2) {
                    problems.add("line " + n + ": expected '<tenant> <token>' or '<tenant> sha256:<hex>', found "
                            + parts.length + " field(s)");
                } else if (!TENANT.matcher(parts[0]).matches() || parts[0].matches("\\.+")) {
                    problems.add("line " + n + ": the tenant may hold only A-Z a-z 0-9 . _ - (1-64 characters)");
                } else if (parts[1].toLowerCase(Locale.ROOT).startsWith("sha256:")) {
                    String hex = parts[1].substring("sha256:".length());
                    if (!HEX64.matcher(hex).matches()) {
                        problems.add("line " + n + ": a sha256: credential needs 64 hex digits");
                    } else {
                        entries.add(new Entry(parts[0], HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT))));
                    }
                } else if (parts[1].length() < MIN_TOKEN) {
                    problems.add("line " + n + ": a token needs at least " + MIN_TOKEN + " characters");
                } else {
                    entries.add(new Entry(parts[0], BearerTokens.digest(parts[1])));
                }
            }
            return new Table(List.copyOf(entries), List.copyOf(problems));
        }

        /** The tenant of the credential whose token this is; every entry is compared, in constant time. */
        Optional<String> tenantOf(String token) {
            byte[] presented = BearerTokens.digest(token);
            String tenant = null;
            for (Entry e : entries) {
                if (MessageDigest.isEqual(presented, e.sha256()) && tenant == null) {
                    tenant = e.tenant();
                }
            }
            return Optional.ofNullable(tenant);
        }
    }

    /**
     * The outcome of {@link #authenticate}.
     *
     * @param tenant  the credential's tenant, when authenticated
     * @param failure why not, when a credential exists but the request did not present one
     */
    public record Outcome(Optional<String> tenant, Optional<Failure> failure) {
    }

    @Inject
    StorageConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    /** The credentials in force; null while the file is unreadable or holds none. */
    private volatile Table table;
    private volatile byte[] lastContent;
    private volatile boolean unreadable;
    private long timer = -1;

    /** Whether a credentials file is configured; without one the import is disabled. */
    public boolean configured() {
        return config.imports().credentialsFile().isPresent();
    }

    /** Whether at least one credential is usable now. */
    public boolean any() {
        Table t = table;
        return t != null && !t.entries().isEmpty();
    }

    /**
     * Reads the file (a configured file that cannot be read is a startup error naming the key) and
     * schedules its re-reading. Called once, at startup.
     */
    void start() {
        for (Failure f : Failure.values()) {
            registry.counter("callrec.storage.import.auth.failures", "reason", f.tag());
        }
        Optional<Path> file = config.imports().credentialsFile();
        if (file.isEmpty()) {
            LOG.info("Import (POST /api/v1/imports) disabled: no storage.import.credentials-file");
            return;
        }
        try {
            load(file.get());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the import credentials " + file.get()
                    + " (storage.import.credentials-file / STORAGE_IMPORT_CREDENTIALS_FILE): " + e);
        }
        long every = Math.max(100, config.imports().credentialsReloadInterval().toMillis());
        timer = vertx.setPeriodic(every, t -> vertx.executeBlocking(() -> {
            reload(file.get());
            return null;
        }, false));
    }

    @PreDestroy
    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void reload(Path file) {
        try {
            load(file);
            if (unreadable) {
                unreadable = false;
                LOG.infof("Import credentials %s can be read again", file);
            }
        } catch (IOException e) {
            if (!unreadable) {
                unreadable = true;
                LOG.warnf("Import credentials %s cannot be read (%s): no import is accepted until it can", file, e);
            }
            table = null;
            lastContent = null;
        }
    }

    private void load(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE) {
            throw new IOException("larger than 1 MiB");
        }
        byte[] content = Files.readAllBytes(file);
        if (lastContent != null && Arrays.equals(content, lastContent)) {
            return;
        }
        Table t = Table.parse(new String(content, StandardCharsets.UTF_8));
        t.problems().forEach(p -> LOG.warnf("Import credentials %s, %s: line ignored", file, p));
        TreeSet<String> tenants = new TreeSet<>();
        t.entries().forEach(e -> tenants.add(e.tenant()));
        if (t.entries().isEmpty()) {
            LOG.warnf("Import credentials %s hold no usable credential: every import is refused", file);
        } else {
            LOG.infof("Import credentials %s: %d credential(s) for tenant(s) %s", file, t.entries().size(), tenants);
        }
        table = t;
        lastContent = content;
    }

    /**
     * Checks a request's {@code Authorization} header. Only meaningful when {@link #any()}.
     * Failures are counted by reason (no per-caller label).
     */
    public Outcome authenticate(String authorization) {
        Failure failure;
        if (authorization == null || authorization.isBlank()) {
            failure = Failure.MISSING;
        } else {
            String h = authorization.strip();
            int space = h.indexOf(' ');
            if (space < 0 || !h.substring(0, space).equalsIgnoreCase("Bearer") || h.substring(space).isBlank()) {
                failure = Failure.NOT_BEARER;
            } else {
                Table t = table;
                Optional<String> tenant = t == null ? Optional.empty() : t.tenantOf(h.substring(space).strip());
                if (tenant.isPresent()) {
                    return new Outcome(tenant, Optional.empty());
                }
                failure = Failure.UNKNOWN_TOKEN;
            }
        }
        registry.counter("callrec.storage.import.auth.failures", "reason", failure.tag()).increment();
        return new Outcome(Optional.empty(), Optional.of(failure));
    }
}

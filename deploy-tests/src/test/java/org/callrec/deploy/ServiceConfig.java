package org.callrec.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import io.quarkus.vertx.http.runtime.VertxHttpConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * The real configuration keys of each service: the properties of its {@code @ConfigMapping}
 * interface (by reflection), the {@code quarkus.*} and {@code kafka.*} keys its
 * application.properties sets, and Quarkus' own HTTP server keys ({@code quarkus.http.*}, from
 * Quarkus' {@code VertxHttpConfig} mapping: every service runs that server). Also builds a
 * service's configuration from environment variables, the way Quarkus reads them, to see what
 * the service would get.
 *
 * <p>Issue 12 is written on several branches at once: the deploy files set keys that the
 * catalog-service module and control-service's registry replica bring. Those are listed as
 * <em>pending</em> keys, each with the key prefix of the feature it belongs to, and accepted only
 * while the service has no key with that prefix (the module or the feature is not merged yet).
 * Once it has, the pending key must be one of its real keys like any other.
 */
enum ServiceConfig {
    CONTROL("control-service", "org.callrec.control.config.ControlConfig", Set.of(), Map.of(
            // the unknown-device policy and the registry replica's Kafka clients (issue 12, control's branch)
            "control.tenants.unknown-devices", "control.tenants.",
            "kafka.bootstrap.servers", "kafka.")),
    INGEST("media-ingest-service", "org.callrec.ingest.config.IngestConfig", Set.of(), Map.of()),
    STORAGE("storage-service", "org.callrec.storage.config.StorageConfig", Set.of(), Map.of()),
    /*
     * The database keys are quarkus-datasource's and quarkus-agroal's, which deploy-tests cannot
     * read by reflection (their runtime jars are not among its test dependencies); the module's
     * own keys come from CatalogConfig once the module is on the classpath (the pom's profile
     * "catalog-service" adds it when the module exists).
     */
    CATALOG("catalog-service", "org.callrec.catalog.config.CatalogConfig",
            Set.of("quarkus.datasource.jdbc.url", "quarkus.datasource.username", "quarkus.datasource.password"),
            Map.of("catalog.operator-key-file", "catalog.",
                    "catalog.registry.replication-factor", "catalog.",
                    "kafka.bootstrap.servers", "kafka."));

    private final String module;
    private final String mappingName;
    private final Set<String> extensionKeys;
    private final Map<String, String> pending;

    ServiceConfig(String module, String mappingName, Set<String> extensionKeys, Map<String, String> pending) {
        this.module = module;
        this.mappingName = mappingName;
        this.extensionKeys = extensionKeys;
        this.pending = pending;
    }

    String module() {
        return module;
    }

    /** The service's {@code @ConfigMapping} interface, if its module is on the classpath. */
    Optional<Class<?>> mapping() {
        try {
            return Optional.of(Class.forName(mappingName));
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Every property name the service reads, plus the pending keys of features it does not have yet. */
    Set<String> keys() {
        Set<String> keys = realKeys();
        keys.addAll(pendingKeys());
        return keys;
    }

    /** Pending keys still accepted because the service lacks their feature (empty once all are merged). */
    Set<String> pendingKeys() {
        Set<String> real = realKeys();
        Set<String> open = new TreeSet<>();
        pending.forEach((key, feature) -> {
            if (real.stream().noneMatch(k -> k.startsWith(feature))) {
                open.add(key);
            }
        });
        return open;
    }

    private Set<String> realKeys() {
        Set<String> keys = new TreeSet<>(extensionKeys);
        mapping().ifPresent(type -> collect(type, type.getAnnotation(ConfigMapping.class).prefix(), keys));
        collect(VertxHttpConfig.class, VertxHttpConfig.class.getAnnotation(ConfigMapping.class).prefix(), keys);
        Path file = Repo.path(module + "/src/main/resources/application.properties");
        if (!Files.exists(file)) {
            return keys;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String key : properties.stringPropertyNames()) {
            String plain = key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key;
            if (plain.startsWith("quarkus.") || plain.startsWith("kafka.")) {
                keys.add(plain);
            }
        }
        return keys;
    }

    /** The environment variable names of {@link #keys()}. */
    Set<String> envNames() {
        Set<String> names = new TreeSet<>();
        keys().forEach(key -> names.add(envName(key)));
        return names;
    }

    /** A property's environment variable: upper case, every other character than a letter or digit an underscore. */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /**
     * The service's configuration mapping as the service would see it with exactly these
     * environment variables (expressions expanded, defaults applied, values converted).
     */
    <T> T read(Class<T> type, Map<String, String> env) {
        if (mapping().filter(m -> m == type).isEmpty()) {
            throw new IllegalArgumentException(type + " is not the mapping of " + module);
        }
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withSources(new EnvConfigSource(env, 300))
                .withSources(new PropertiesConfigSource(Map.of("java.io.tmpdir", "/tmp"), "system", 100))
                // the converters Quarkus registers: "200ms", "30s" durations, paths
                .withConverter(Duration.class, 200, ServiceConfig::duration)
                .withConverter(Path.class, 200, Path::of)
                .withMapping(type)
                .build();
        return config.getConfigMapping(type);
    }

    /** Quarkus' duration syntax: a number of seconds, {@code 200ms}, {@code 30s}, {@code 1m}, {@code 2h}, {@code 1d}, or ISO-8601. */
    static Duration duration(String value) {
        String v = value.trim();
        if (v.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        if (v.matches("\\d+ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.matches("\\d+(\\.\\d+)?[smhSMH]")) {
            return Duration.parse("PT" + v.toUpperCase(Locale.ROOT));
        }
        if (v.matches("\\d+[dD]")) {
            return Duration.parse("P" + v.toUpperCase(Locale.ROOT));
        }
        return Duration.parse(v);
    }

    private static void collect(Class<?> group, String prefix, Set<String> keys) {
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers()) || method.isDefault()) {
                continue;
            }
            String name;
            if (method.isAnnotationPresent(WithParentName.class)) {
                name = prefix;
            } else {
                String own = method.isAnnotationPresent(WithName.class)
                        ? method.getAnnotation(WithName.class).value()
                        : kebab(method.getName());
                name = prefix + "." + own;
            }
            Class<?> type = method.getReturnType();
            if (type == Optional.class) {
                type = typeArgument(method.getGenericReturnType());
            }
            if (type.isInterface() && !type.getName().startsWith("java.")) {
                collect(type, name, keys);
            } else {
                keys.add(name);
            }
        }
    }

    private static Class<?> typeArgument(Type type) {
        if (type instanceof ParameterizedType parameterized
                && parameterized.getActualTypeArguments()[0] instanceof Class<?> argument) {
            return argument;
        }
        return Object.class;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}

package org.callrec.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** docker-compose.yml, parsed, with Compose's variable interpolation for the forms it uses. */
final class ComposeFile {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\\?)([^}]*))?}");

    private final Map<String, Object> root;

    private ComposeFile(Map<String, Object> root) {
        this.root = root;
    }

    @SuppressWarnings("unchecked")
    static ComposeFile load() {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        return new ComposeFile((Map<String, Object>) yaml.load(Repo.read("docker-compose.yml")));
    }

    /** The whole file (top-level keys: services, volumes …). */
    Map<String, Object> root() {
        return root;
    }

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) root.get("services");
    }

    Map<String, Object> service(String name) {
        Map<String, Object> service = services().get(name);
        if (service == null) {
            throw new AssertionError("docker-compose.yml has no service " + name);
        }
        return service;
    }

    /** A service's environment as written (map or KEY=VALUE list form). */
    @SuppressWarnings("unchecked")
    Map<String, String> environment(String name) {
        Object env = service(name).get("environment");
        Map<String, String> result = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> map) {
            map.forEach((k, v) -> result.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        } else if (env instanceof List<?> list) {
            for (String entry : (List<String>) list) {
                int eq = entry.indexOf('=');
                result.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
            }
        }
        return result;
    }

    /** A service's environment after interpolation with the given shell variables. */
    Map<String, String> resolvedEnvironment(String name, Map<String, String> shell) {
        Map<String, String> result = new LinkedHashMap<>();
        environment(name).forEach((k, v) -> result.put(k, interpolate(v, shell)));
        return result;
    }

    /**
     * Compose interpolation: {@code $$}, {@code ${VAR}}, {@code ${VAR:-default}} and
     * {@code ${VAR:?error}} (an {@link IllegalArgumentException} carrying the error when VAR is unset or empty).
     */
    static String interpolate(String value, Map<String, String> shell) {
        Matcher matcher = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            if (matcher.group().equals("$$")) {
                replacement = "$";
            } else {
                String set = shell.get(matcher.group(1));
                boolean empty = set == null || set.isEmpty();
                if (":?".equals(matcher.group(2)) && empty) {
                    throw new IllegalArgumentException(matcher.group(1) + ": " + matcher.group(3));
                }
                replacement = empty && ":-".equals(matcher.group(2)) ? matcher.group(3) : set == null ? "" : set;
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}

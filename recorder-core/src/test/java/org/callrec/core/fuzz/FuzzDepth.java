package org.callrec.core.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Multiplies the tries of every fuzz property by the system property {@value #PROPERTY}
 * (default 1), so that the suite stays quick and a deeper run needs no code change:
 * <pre>
 * ./mvnw -B -o -pl recorder-core verify -Dtest='*FuzzTest' -Dcallrec.fuzz.depth=100
 * </pre>
 * (Surefire hands {@code -D} properties of the Maven command line to the test JVM.) jqwik's own
 * {@code -Djqwik.seeds.whenfixed} and {@code @Property(seed = …)} still work for replaying a
 * failure: jqwik prints the seed of every failing property.
 */
public final class FuzzDepth implements AroundPropertyHook {

    /** The system property read. */
    public static final String PROPERTY = "callrec.fuzz.depth";

    /** Registered on a test class, it applies to every property in it. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        int depth = depth();
        int tries = context.attributes().tries().orElse(1000);
        if (depth != 1 && tries > 1) { // an @Example stays one try
            context.attributes().setTries((int) Math.min(Integer.MAX_VALUE, (long) tries * depth));
        }
        return property.execute();
    }

    static int depth() {
        try {
            return Math.max(1, Integer.parseInt(System.getProperty(PROPERTY, "1").strip()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}

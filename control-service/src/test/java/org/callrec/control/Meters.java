package org.callrec.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Reads counters in tests: 0 for one not registered yet. */
final class Meters {

    private Meters() {
    }

    /** The count of counter {@code name} with these {@code tags} (key, value, …). */
    static double count(MeterRegistry registry, String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    /** {@code callrec_control_admission_refusals_total} of one {@code limit}. */
    static double refusals(MeterRegistry registry, String limit) {
        return count(registry, "callrec.control.admission.refusals", "limit", limit);
    }
}

package org.callrec.core.registry;

import java.util.regex.Pattern;

/**
 * Tenant ids: slugs that go into object keys, metric-free logs and URLs as they are, so nothing
 * ever needs sanitising. 1 to 63 characters of {@code a-z 0-9 -}, starting and ending with a
 * letter or digit (a DNS label).
 */
public final class TenantIds {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    private TenantIds() {
    }

    /** Whether {@code id} is a valid tenant id. */
    public static boolean isValid(String id) {
        return id != null && SLUG.matcher(id).matches();
    }
}

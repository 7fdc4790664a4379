package org.callrec.catalog.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

import org.callrec.catalog.problem.Problem.FieldError;
import org.callrec.catalog.problem.ProblemException;

/**
 * What a webhook may be: an absolute {@code http} or {@code https} URL of at most
 * {@value #MAX_URL} characters with a host, without user info or fragment (and, unless private
 * networks are allowed, not a literal private address: {@link AddressGuard}); events a non-empty
 * subset of {@link #EVENTS}, stored sorted without repeats.
 */
public final class WebhookRules {

    /** Longest URL accepted. */
    public static final int MAX_URL = 2048;

    /** The event types a webhook may ask for. */
    public static final List<String> EVENTS = List.of(WebhookOutbox.RECORDING_COMPLETED, WebhookOutbox.RECORDING_DELETED);

    private WebhookRules() {
    }

    /** The URL, checked (400 {@code validation} on field {@code url} otherwise). */
    public static String url(String url, boolean allowPrivate) {
        if (url == null || url.isBlank()) {
            throw ProblemException.invalid("url", "required");
        }
        if (url.length() > MAX_URL) {
            throw ProblemException.invalid("url", "at most " + MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ProblemException.invalid("url", "not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            throw ProblemException.invalid("url", "must be an absolute http or https URL");
        }
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            throw ProblemException.invalid("url", "must not contain user info");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw ProblemException.invalid("url", "must have a host");
        }
        if (uri.getRawFragment() != null) {
            throw ProblemException.invalid("url", "must not have a fragment");
        }
        Optional<InetAddress> literal;
        try {
            literal = AddressGuard.literal(uri.getHost());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("url", e.getMessage());
        }
        if (!allowPrivate && literal.isPresent() && AddressGuard.isPrivate(literal.get())) {
            throw ProblemException.invalid("url", "a loopback, private or link-local address is not allowed");
        }
        return url;
    }

    /** The events, checked, sorted and without repeats (400 on field {@code events} otherwise). */
    public static List<String> events(List<String> events) {
        if (events == null || events.isEmpty()) {
            throw ProblemException.invalid("events", "at least one event type is required");
        }
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (!EVENTS.contains(events.get(i))) {
                errors.add(FieldError.of("events[" + i + "]", "unknown event type; one of " + String.join(", ", EVENTS)));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation("unknown event types", errors);
        }
        return List.copyOf(new TreeSet<>(events));
    }
}

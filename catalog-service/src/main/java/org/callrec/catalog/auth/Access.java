package org.callrec.catalog.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.catalog.problem.ProblemException;

/**
 * The authorisation rules, in one place. Another tenant's resources are 404 to a tenant key,
 * exactly as a tenant that does not exist (nothing confirms they exist); a key of the right
 * tenant without the scope gets 403.
 */
@ApplicationScoped
public class Access {

    @Inject
    CurrentCaller current;

    /** The caller, who must be the operator (a tenant key gets 403). */
    public Caller operator() {
        Caller c = current.get();
        if (!c.operator()) {
            throw ProblemException.forbidden("this needs the operator key");
        }
        return c;
    }

    /**
     * The caller, who must be the operator or a key of {@code tenant} with {@code scope}: 404 for
     * another tenant's key, 403 for a key of this tenant without the scope.
     */
    public Caller tenant(String tenant, Scope scope) {
        Caller c = current.get();
        if (!c.sees(tenant)) {
            throw ProblemException.notFound("no tenant " + tenant);
        }
        if (!c.has(scope)) {
            throw ProblemException.forbidden("this needs the scope " + scope.wire());
        }
        return c;
    }
}

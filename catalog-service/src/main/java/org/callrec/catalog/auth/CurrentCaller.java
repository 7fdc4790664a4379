package org.callrec.catalog.auth;

import jakarta.enterprise.context.RequestScoped;

import org.callrec.catalog.problem.ProblemException;

/** The authenticated caller of the current request, set by {@link ApiKeyFilter}. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    /** The caller; 401 if the request was not authenticated (a path the filter does not cover). */
    public Caller get() {
        if (caller == null) {
            throw ProblemException.unauthorized("an API key is required");
        }
        return caller;
    }
}

package org.callrec.catalog.objectstore;

import java.time.Duration;
import java.util.List;

import jakarta.ws.rs.core.Response;

import org.callrec.catalog.problem.ProblemException;
import org.callrec.catalog.problem.ProblemMappers;
import org.callrec.logging.RateLimitedLog;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A failing object store is a 503 problem ({@code object-store-unavailable}), logged rate-limited. */
public class ObjectStoreMappers {

    private static final Logger LOG = Logger.getLogger(ObjectStoreMappers.class);
    private static final RateLimitedLog FAILURES = new RateLimitedLog(LOG, 10, Duration.ofSeconds(10));

    @ServerExceptionMapper
    public Response unavailable(ObjectStore.ObjectStoreException e) {
        FAILURES.warnf("s3", "%s", e.getMessage());
        return new ProblemMappers().problem(new ProblemException(503, "object-store-unavailable",
                "Object store unavailable", "the recordings' object store did not answer; try again", List.of()));
    }
}

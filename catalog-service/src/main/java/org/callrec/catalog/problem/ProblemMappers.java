package org.callrec.catalog.problem;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.callrec.catalog.db.DbException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Every error leaves as a problem document: ours ({@link ProblemException}), JAX-RS' own (unknown
 * path 404, method 405, media type 415/406, body too large 413) and anything unexpected (500,
 * logged once with its stack trace; the client gets no internals).
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    /** The response of a problem. */
    public static Response response(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response r = response(e.problem());
        if (e.problem().status() == 401) {
            return Response.fromResponse(r).header("WWW-Authenticate", "Bearer realm=\"callrec\"").build();
        }
        return r;
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return response(ProblemException.malformed("the body is not valid JSON").problem());
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return response(ProblemException.notFound("no such resource").problem());
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e) {
        return response(new ProblemException(405, "method-not-allowed", "Method not allowed",
                "this resource does not support that method", null).problem());
    }

    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e) {
        return response(new ProblemException(415, "unsupported-media-type", "Unsupported media type",
                "the Content-Type of the body is not accepted here", null).problem());
    }

    @ServerExceptionMapper
    public Response notAcceptable(NotAcceptableException e) {
        return response(new ProblemException(406, "not-acceptable", "Not acceptable",
                "no representation matches the Accept header", null).problem());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status == 413) {
            return response(new ProblemException(413, "body-too-large", "Request body too large",
                    "the body is larger than this service accepts", null).problem());
        }
        if (status >= 500) {
            LOG.error("Request failed", e);
        }
        String reason = e.getResponse().getStatusInfo().getReasonPhrase();
        return response(new ProblemException(status, "http-" + status, reason, reason, null).problem());
    }

    @ServerExceptionMapper
    public Response database(DbException e) {
        LOG.errorf("Database operation failed (SQLSTATE %s): %s", e.sqlState(), e.getMessage());
        return response(new ProblemException(503, "database-unavailable", "Service unavailable",
                "the catalog database failed this request; try again", null).problem());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("Unexpected error", e);
        return response(new ProblemException(500, "internal", "Internal error",
                "the request failed inside the catalog", null).problem());
    }
}

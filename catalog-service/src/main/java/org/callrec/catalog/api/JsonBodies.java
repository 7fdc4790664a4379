package org.callrec.catalog.api;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.catalog.problem.ProblemException;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Reads request bodies strictly: an unknown member, a member of the wrong type, a trailing token
 * or a body that is not JSON is a 400 problem naming the member. The resources take their
 * bodies as text and read them here, so that the rules do not depend on a global mapper setting.
 */
@ApplicationScoped
public class JsonBodies {

    @Inject
    ObjectMapper mapper;

    /** The body as {@code type}. */
    public <T> T read(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw ProblemException.malformed("a JSON body is required");
        }
        ObjectReader reader = mapper.readerFor(type)
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        try {
            return reader.readValue(body);
        } catch (UnrecognizedPropertyException e) {
            throw ProblemException.invalid(path(e), "unknown field");
        } catch (InvalidFormatException e) {
            throw ProblemException.invalid(path(e), "wrong type or format");
        } catch (MismatchedInputException e) {
            String field = path(e);
            throw field.isEmpty() ? ProblemException.malformed("the body does not have the expected shape")
                    : ProblemException.invalid(field, "wrong type");
        } catch (JsonParseException e) {
            throw ProblemException.malformed("the body is not valid JSON");
        } catch (IOException e) {
            throw ProblemException.malformed("the body cannot be read as JSON");
        }
    }

    /** The body as a JSON tree (merge patches). */
    public JsonNode tree(String body) {
        if (body == null || body.isBlank()) {
            throw ProblemException.malformed("a JSON body is required");
        }
        try {
            return mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
        } catch (IOException e) {
            throw ProblemException.malformed("the body is not valid JSON");
        }
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    private static String path(MismatchedInputException e) {
        StringBuilder sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}

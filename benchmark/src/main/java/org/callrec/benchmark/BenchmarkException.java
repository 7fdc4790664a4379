package org.callrec.benchmark;

/** The benchmark cannot run (a service unreachable, a bad argument): the message says what to do. */
final class BenchmarkException extends Exception {
    BenchmarkException(String message) {
        super(message, null, false, false);
    }

    BenchmarkException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}

package org.callrec.simulator;

/** How a simulated phone ends its recording once the media has been sent. */
public enum EndMode {
    /**
     * The normal end: send {@code RecordStopRequest} with the configured {@code reason}, wait for
     * {@code RecordStopResponse}, then close the TCP connection (FIN).
     */
    STOP,
    /**
     * A lost phone: reset the TCP connection (SO_LINGER 0, so the server sees an RST) without any
     * stop command. The server must end the recording with reason {@code socket-error}.
     */
    DROP
}

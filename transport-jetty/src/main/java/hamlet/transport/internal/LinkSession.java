package hamlet.transport.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

/**
 * One connection as a {@link PeerLink} sees it: write frames, close. Implemented over a Jetty WebSocket session in
 * production and by a fake in tests, so that links are tested with no sockets.
 */
public interface LinkSession {
    /**
     * Writes frames in order, asynchronously. Must not block and must not call {@code done} from inside this call's
     * lock-holding caller (the link never holds its lock while calling this).
     *
     * @param frames the frames, each one WebSocket binary message
     * @param done called once, with {@code null} when all were written or the first failure
     */
    void write(List<ByteBuffer> frames, Consumer<Throwable> done);

    /**
     * Closes the connection with a reason for the peer.
     *
     * @param reason why, a short sentence
     */
    void close(String reason);

    /**
     * Closes the connection saying that this node cannot take envelopes yet (no registry bound to the transport). The
     * receiver delivered nothing from the first unacknowledged envelope on, so the peer keeps them and resends them on
     * its next connection without counting a failed write: a node that is still starting is not a broken link.
     *
     * @param reason why, a short sentence
     */
    default void closeNotReady(final String reason) {
        close(reason);
    }

    /**
     * Drops the connection after saying why, without waiting for the peer's answer: for a peer that is silent or
     * whose writes fail, whose answer may never come (the socket would otherwise linger until an idle timeout).
     *
     * @param reason why, a short sentence
     */
    default void abort(final String reason) {
        close(reason);
    }

    /** @return the node id of the side that dialed this connection */
    String dialer();

    /** @return the remote address, for log lines */
    String remote();
}

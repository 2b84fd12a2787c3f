package hamlet.tls.internal;

import hamlet.tls.HandshakeRefusals;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;

import java.nio.ByteBuffer;

/**
 * On a plain port, recognises a TLS handshake by its first two bytes (record type 22, version major 3), reports it
 * and closes the connection; anything else goes on to HTTP. Without it the TLS client would get an HTTP 400 it
 * cannot read and the node would not know why.
 */
public final class TlsOnPlainPort extends AbstractConnectionFactory implements ConnectionFactory.Detecting {
    private static final byte HANDSHAKE_RECORD = 0x16;
    private static final byte TLS_MAJOR_VERSION = 0x03;

    private final HandshakeRefusals refusals;

    /** @param refusals told of each TLS handshake refused */
    public TlsOnPlainPort(final HandshakeRefusals refusals) {
        super("tls-on-plain-port");
        this.refusals = refusals;
    }

    @Override
    public Detection detect(final ByteBuffer buffer) {
        if (buffer.remaining() < 2) {
            return buffer.remaining() == 1 && buffer.get(buffer.position()) != HANDSHAKE_RECORD
                ? Detection.NOT_RECOGNIZED : Detection.NEED_MORE_BYTES;
        }
        return buffer.get(buffer.position()) == HANDSHAKE_RECORD
            && buffer.get(buffer.position() + 1) == TLS_MAJOR_VERSION ? Detection.RECOGNIZED : Detection.NOT_RECOGNIZED;
    }

    @Override
    public Connection newConnection(final Connector connector, final EndPoint endPoint) {
        return new Refused(endPoint, connector);
    }

    /** Reports the connection and closes it; the bytes read for detection are handed over and dropped. */
    private final class Refused extends AbstractConnection implements Connection.UpgradeTo {
        Refused(final EndPoint endPoint, final Connector connector) {
            super(endPoint, connector.getExecutor());
        }

        @Override
        public void onUpgradeTo(final ByteBuffer buffer) {
            // The ClientHello: nothing in it is wanted.
        }

        @Override
        public void onOpen() {
            super.onOpen();
            try {
                refusals.refused(HandshakeRefusals.TLS_TO_PLAIN,
                    String.valueOf(getEndPoint().getRemoteSocketAddress()),
                    "a TLS handshake reached this plain port (hamlet.tls.enabled is false here)");
            } catch (final RuntimeException ignored) {
                // Counting must not keep the connection open.
            }
            getEndPoint().close();
        }

        @Override
        public void onFillable() {
            getEndPoint().close();
        }
    }
}

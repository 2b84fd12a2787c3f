package hamlet.it.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder for system tests: it accepts on one loopback address and forwards each connection to another,
 * byte for byte, so that a test can cut a link between two nodes without touching either of them. {@link #cutAll}
 * resets every proxied connection of several proxies at once (SO_LINGER 0: both nodes see the link end at the same
 * moment). {@link #hold} and {@link #release} let new connections wait at the proxy and then go on together, so
 * that two nodes that redial each other meet at the same moment. Not a WebSocket-aware proxy: what crosses it is
 * opaque.
 */
final class LinkProxy implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;

    /** One proxied connection: what the node dialed, and the proxy's own connection onwards. */
    private static final class Pair {
        final long serial;
        final Socket client;
        final Socket upstream;
        final AtomicLong forward = new AtomicLong();
        final AtomicLong backward = new AtomicLong();

        Pair(final long serial, final Socket client, final Socket upstream) {
            this.serial = serial;
            this.client = client;
            this.upstream = upstream;
        }

        void reset() {
            for (final Socket s : List.of(client, upstream)) {
                try {
                    s.setSoLinger(true, 0);
                } catch (final SocketException alreadyClosed) {
                    // closing is all that is left to do
                }
                closeQuietly(s);
            }
        }
    }

    private final String name;
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Pair> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong cut = new AtomicLong();
    private final List<Socket> held = new ArrayList<>();
    private final List<Long> heldSerials = new ArrayList<>();
    private boolean holding;
    private volatile boolean closed;

    private LinkProxy(final String name, final ServerSocket server, final InetSocketAddress target) {
        this.name = name;
        this.server = server;
        this.target = target;
    }

    /**
     * @param name for thread names and messages
     * @param listen where to accept (e.g. 127.0.0.2 and the target's port number)
     * @param target where to forward
     */
    static LinkProxy start(final String name, final InetSocketAddress listen, final InetSocketAddress target)
        throws IOException {
        final ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(listen, 50);
        final LinkProxy proxy = new LinkProxy(name, server, target);
        final Thread acceptor = new Thread(proxy::acceptLoop, "proxy-" + name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    /**
     * Resets every connection of these proxies now: all sockets first get SO_LINGER 0, then all are closed in one
     * pass, so that both ends of each link learn of it at once.
     *
     * @return how many proxied connections were cut
     */
    static int cutAll(final LinkProxy... proxies) {
        final List<Pair> all = new ArrayList<>();
        for (final LinkProxy p : proxies) {
            all.addAll(p.open);
        }
        for (final Pair pair : all) {
            for (final Socket s : List.of(pair.client, pair.upstream)) {
                try {
                    s.setSoLinger(true, 0);
                } catch (final SocketException alreadyClosed) {
                    // it ended by itself
                }
            }
        }
        for (final Pair pair : all) {
            closeQuietly(pair.client);
            closeQuietly(pair.upstream);
        }
        for (final LinkProxy p : proxies) {
            for (final Pair pair : all) {
                if (p.open.remove(pair)) {
                    p.cut.incrementAndGet();
                }
            }
        }
        return all.size();
    }

    /** @return connections accepted so far; a serial to compare with {@link #liveSince} */
    long accepted() {
        return accepted.get();
    }

    /**
     * @param serial a value of {@link #accepted()}
     * @return whether a connection accepted after it is open and has carried bytes both ways
     */
    boolean liveSince(final long serial) {
        for (final Pair p : open) {
            if (p.serial > serial && p.forward.get() > 0 && p.backward.get() > 0) {
                return true;
            }
        }
        return false;
    }

    /** @return how many proxied connections are open now */
    int openConnections() {
        return open.size();
    }

    /** @return bytes forwarded towards the target on the open connections */
    long bytesForward() {
        long sum = 0;
        for (final Pair p : open) {
            sum += p.forward.get();
        }
        return sum;
    }

    @Override
    public String toString() {
        return name + " " + server.getLocalSocketAddress() + " -> " + target + " (accepted " + accepted.get()
            + ", open " + open.size() + ", cut " + cut.get() + ")";
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (final Pair p : open) {
            p.reset();
        }
        open.clear();
        synchronized (held) {
            held.forEach(LinkProxy::closeQuietly);
            held.clear();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            final Socket client;
            try {
                client = server.accept();
            } catch (final IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            final long serial = accepted.incrementAndGet();
            synchronized (held) {
                if (holding) {
                    held.add(client);
                    heldSerials.add(serial);
                    continue;
                }
            }
            forward(serial, client);
        }
    }

    /**
     * From now on, new connections are accepted but not forwarded: they wait (the dialing node's connection is
     * open, its WebSocket upgrade unanswered) until {@link #release}.
     */
    void hold() {
        synchronized (held) {
            holding = true;
        }
    }

    /** @return connections accepted and waiting for {@link #release} */
    int held() {
        synchronized (held) {
            return held.size();
        }
    }

    /** Forwards the connections that waited, and every new one again. */
    void release() {
        final List<Socket> waiting;
        final List<Long> serials;
        synchronized (held) {
            holding = false;
            waiting = new ArrayList<>(held);
            serials = new ArrayList<>(heldSerials);
            held.clear();
            heldSerials.clear();
        }
        for (int i = 0; i < waiting.size(); i++) {
            forward(serials.get(i), waiting.get(i));
        }
    }

    private void forward(final long serial, final Socket client) {
        final Socket upstream = new Socket();
        try {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(target, 5000);
        } catch (final IOException e) {
            // The target is down: the dialing node sees its connection reset.
            new Pair(serial, client, upstream).reset();
            return;
        }
        final Pair pair = new Pair(serial, client, upstream);
        open.add(pair);
        pump(pair, client, upstream, pair.forward, "fwd");
        pump(pair, upstream, client, pair.backward, "back");
    }

    private void pump(final Pair pair, final Socket from, final Socket to, final AtomicLong count,
                      final String direction) {
        final Thread t = new Thread(() -> {
            final byte[] buffer = new byte[BUFFER];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                    count.addAndGet(n);
                }
            } catch (final IOException ended) {
                // cut, reset or closed by the other pump
            } finally {
                // Either side ending ends the whole proxied connection, as a cable would.
                open.remove(pair);
                closeQuietly(pair.client);
                closeQuietly(pair.upstream);
            }
        }, "proxy-" + name + "-" + pair.serial + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(final AutoCloseable c) {
        try {
            c.close();
        } catch (final Exception ignored) {
            // nothing more to do
        }
    }
}

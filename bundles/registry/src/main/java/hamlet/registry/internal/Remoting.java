package hamlet.registry.internal;

import hamlet.api.transport.Transport;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a node needs to reach other nodes, and which outlives any one {@link LocalActorSystem}: the codecs, the
 * transport when one is bound, and the {@link ClusterView} of membership when a Cluster is bound. The OSGi component owns one and feeds it services as they come and go; the runtime
 * reads it on each remote send.
 *
 * <p>Threading: any thread; the transport is a volatile that a send reads once.
 */
public final class Remoting {
    private final CodecRegistry codecs;
    private final ClusterView cluster;
    private volatile Transport transport;

    /** With the built-in codecs only, and no transport until one is set. */
    public Remoting() {
        this(new CodecRegistry());
    }

    /**
     * @param codecs the codecs to encode and decode with
     */
    public Remoting(final CodecRegistry codecs) {
        // The common pool: a rebuild is a short burst of CPU now and then, not worth a thread of its own.
        this(codecs, ForkJoinPool.commonPool(), ThreadLocalRandom::current);
    }

    /**
     * @param codecs the codecs to encode and decode with
     * @param rebuilds where the cluster directory's index is rebuilt
     * @param random the randomness of cluster-wide group picks
     */
    public Remoting(final CodecRegistry codecs, final Executor rebuilds,
                    final java.util.function.Supplier<java.util.random.RandomGenerator> random) {
        this.codecs = Objects.requireNonNull(codecs, "codecs");
        this.cluster = new ClusterView(this::transport, rebuilds, random);
    }

    /** @return the membership as the send path sees it (an empty view while no Cluster is bound) */
    public ClusterView cluster() {
        return cluster;
    }

    /** @return the codecs */
    public CodecRegistry codecs() {
        return codecs;
    }

    /** @return the transport in use, or {@code null} when there is none: remote sends are then dead letters */
    public Transport transport() {
        return transport;
    }

    /** @param transport the transport to send through from now on */
    public synchronized void bind(final Transport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    /**
     * Forgets a transport, if it is the one in use (a newer one may have been bound before the old one went).
     *
     * @param gone the transport going away
     */
    public synchronized void unbind(final Transport gone) {
        if (transport == gone) {
            transport = null;
        }
    }
}

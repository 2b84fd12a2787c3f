package hamlet.config.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import hamlet.api.NodeIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;

/**
 * Keeps the node's {@link NodeIdentity} service in step with the config in force: after each applied config it
 * builds the identity from section {@code hamlet.node} and this start's uid, and when that differs from the one
 * offered (the first apply, a live edit of host or port) it offers the new one and then withdraws the old one, so
 * that a consumer never sees a gap. An apply that leaves the identity as it was, a refused edit (nothing is
 * applied) and a start refused before anything was applied offer nothing new.
 *
 * <p>A config in force without a usable {@code hamlet.node} section (no bundle declares it, or a value of the wrong
 * kind, which the registry's validator refuses when it runs) keeps the identity offered before, if any: a node's
 * identity does not vanish because a bundle's defaults did. The id is taken as the config says: it can differ from
 * the one offered only when no actor runtime ran to refuse the edit, and the runtime that starts next reads the new
 * one too.
 *
 * <p>Threading: {@link #onApplied} runs on one thread at a time (the config bundle's activating thread, then its
 * watcher thread); {@link #close} and {@link #current} may run on any thread. No lock is held while the service
 * registry is called.
 */
final class NodeIdentityPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(NodeIdentityPublisher.class);
    static final String NODE = "hamlet.node";

    /** Offers an identity as a service. */
    @FunctionalInterface
    interface Registrar {
        /**
         * @param identity the identity to offer
         * @return what withdraws it again
         */
        Runnable register(NodeIdentity identity);
    }

    private final long uid;
    private final Registrar registrar;
    private final Object lock = new Object();
    private NodeIdentity current;
    private Runnable withdraw;
    private boolean closed;
    private String lastProblem;

    /**
     * @param uid this start's uid ({@link NodeIdentity#uidOf} of the framework's launch UUID)
     * @param registrar where identities are offered
     */
    NodeIdentityPublisher(final long uid, final Registrar registrar) {
        this.uid = uid;
        this.registrar = registrar;
    }

    /**
     * Reads the identity from a config.
     *
     * @param config a resolved config
     * @param uid this start's uid
     * @return the identity
     * @throws IllegalArgumentException naming the key that is missing or wrong
     */
    static NodeIdentity identityOf(final Config config, final long uid) {
        try {
            return new NodeIdentity(config.getString(NODE + ".id"), config.getString(NODE + ".host"),
                config.getInt(NODE + ".port"), uid);
        } catch (final ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * After a config was applied: offers the identity it gives when that is new.
     *
     * @param config the config now in force
     */
    void onApplied(final Config config) {
        final NodeIdentity next;
        try {
            next = identityOf(config, uid);
        } catch (final IllegalArgumentException e) {
            reportOnce(e.getMessage());
            return;
        }
        lastProblem = null;
        final NodeIdentity before;
        synchronized (lock) {
            if (closed || next.equals(current)) {
                return;
            }
            before = current;
        }
        final Runnable fresh;
        try {
            fresh = registrar.register(next);
        } catch (final RuntimeException e) {
            LOG.error("[{}] could not offer the node identity {}: {}", next.id(), next, e.toString());
            return;
        }
        final Runnable old;
        synchronized (lock) {
            if (closed) {
                old = fresh; // closed while registering: withdraw what was just offered
            } else {
                old = withdraw;
                withdraw = fresh;
                current = next;
            }
        }
        withdrawQuietly(old);
        if (old != fresh) {
            if (before == null) {
                LOG.info("[{}] node identity: {}", next.id(), next);
            } else {
                LOG.info("[{}] node identity changed: {} (was {}:{})", next.id(), next, before.host(), before.port());
            }
        }
    }

    /** @return the identity offered now, if any */
    Optional<NodeIdentity> current() {
        synchronized (lock) {
            return Optional.ofNullable(current);
        }
    }

    /** Withdraws the identity offered, and offers none from now on. */
    void close() {
        final Runnable old;
        synchronized (lock) {
            closed = true;
            old = withdraw;
            withdraw = null;
            current = null;
        }
        withdrawQuietly(old);
    }

    private void reportOnce(final String problem) {
        if (!Objects.equals(problem, lastProblem)) {
            lastProblem = problem;
            final NodeIdentity kept = current().orElse(null);
            LOG.warn("[{}] no node identity in the config in force ({}); {}", kept == null ? "?" : kept.id(),
                problem, kept == null ? "none is offered yet" : "keeping " + kept);
        }
    }

    private static void withdrawQuietly(final Runnable withdraw) {
        if (withdraw == null) {
            return;
        }
        try {
            withdraw.run();
        } catch (final IllegalStateException alreadyGone) {
            // unregistered with the bundle already
        }
    }
}

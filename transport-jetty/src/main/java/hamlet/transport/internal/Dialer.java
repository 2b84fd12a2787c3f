package hamlet.transport.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * Whom this node dials, and when: the seeds from {@code hamlet.cluster.seeds}, the URLs peers advertised in their
 * handshakes, and the URLs other bundles asked for (membership, through the control lane). Each URL is dialed while
 * no link to its node is up, with exponential backoff and jitter.
 *
 * <p>Seeds are kept for as long as they are configured. Every other URL comes from a source this node has not
 * verified (a handshake anyone can send, before TLS), so those are bounded: at most {@code maxUnverified} at once,
 * the oldest dropped first when it is not linked, and forgotten with their link.
 *
 * <p>A pure state machine: no sockets, no threads. Owned by the transport's agent thread: every method is called from
 * that thread only.
 */
final class Dialer {
    /** One URL to dial. */
    static final class Target {
        private final String url;
        private final Backoff backoff;
        private boolean seed;
        private String nodeId;
        private boolean inProgress;
        private boolean self;
        private long nextDialNs;
        /** Its connection did its handshake: when that ends, the backoff starts over (unless the peer was unready). */
        private boolean handshaken;

        private Target(final String url, final boolean seed, final Backoff backoff) {
            this.url = url;
            this.seed = seed;
            this.backoff = backoff;
        }

        String url() {
            return url;
        }

        /** @return the node that answered here last, or {@code null} before any handshake */
        String nodeId() {
            return nodeId;
        }

        boolean inProgress() {
            return inProgress;
        }

        boolean seed() {
            return seed;
        }

        /** @return whether this URL is this node's own (it dialed itself: every node may share one seed list) */
        boolean self() {
            return self;
        }
    }

    private final Map<String, Target> targets = new LinkedHashMap<>();
    private final DoubleSupplier random;
    private long backoffMinNs;
    private long backoffMaxNs;
    private int maxUnverified;

    /**
     * @param settings the backoff and the bound on unverified URLs
     * @param random jitter, in [0, 1)
     */
    Dialer(final TransportSettings settings, final DoubleSupplier random) {
        this.random = random;
        apply(settings);
        seeds(settings.seeds());
    }

    /** @param settings new backoff bounds (for the next delay of each target) and bound on unverified URLs */
    void apply(final TransportSettings settings) {
        this.backoffMinNs = settings.backoffMinNs();
        this.backoffMaxNs = settings.backoffMaxNs();
        // Targets made before the edit take the new bounds too: a node that edits a 5 min maximum down to 5 s is
        // not left waiting minutes for a peer it already knew.
        for (final Target t : targets.values()) {
            t.backoff.bounds(backoffMinNs, backoffMaxNs);
        }
        this.maxUnverified = settings.maxUnknownPeers();
    }

    /**
     * Sets the seeds (at start and on a live edit): new ones are dialed at once; a seed no longer listed is dropped
     * unless its node is linked, in which case it stays as an unverified URL of that node.
     *
     * @param urls the seeds, canonical {@code ws://host:port/hamlet}
     */
    void seeds(final List<String> urls) {
        for (final Target t : targets.values()) {
            if (t.seed && !urls.contains(t.url)) {
                t.seed = false;
            }
        }
        targets.values().removeIf(t -> !t.seed && t.nodeId == null);
        for (final String url : urls) {
            final Target known = targets.get(url);
            if (known != null) {
                known.seed = true;
            } else {
                targets.put(url, newTarget(url, true));
            }
        }
    }

    /**
     * A URL from a handshake or another bundle: dialed like a seed while its node is not linked, within the bound.
     *
     * @param nodeId the node it belongs to, or {@code null} when not known yet
     * @param url the URL
     * @param isLinked whether a node's link is up (an unlinked URL may make room for this one)
     * @return whether it is known now; {@code false} when the bound is reached by linked URLs
     */
    boolean learn(final String nodeId, final String url, final Predicate<String> isLinked) {
        final Target known = targets.get(url);
        if (known != null) {
            if (nodeId != null && !known.self) {
                known.nodeId = nodeId;
            }
            return true;
        }
        if (unverified() >= maxUnverified && !dropOldestUnlinked(isLinked)) {
            return false;
        }
        final Target t = newTarget(url, false);
        t.nodeId = nodeId;
        targets.put(url, t);
        return true;
    }

    private boolean dropOldestUnlinked(final Predicate<String> isLinked) {
        for (final Target t : targets.values()) {
            if (!t.seed && !t.inProgress && (t.nodeId == null || !isLinked.test(t.nodeId))) {
                targets.remove(t.url);
                return true;
            }
        }
        return false;
    }

    private int unverified() {
        int n = 0;
        for (final Target t : targets.values()) {
            if (!t.seed) {
                n++;
            }
        }
        return n;
    }

    /** @param nodeId a node whose link was forgotten: its unverified URLs go too */
    void forgetNode(final String nodeId) {
        targets.values().removeIf(t -> !t.seed && !t.inProgress && nodeId.equals(t.nodeId));
    }

    /**
     * Membership removed a node: none of its URLs is dialed again, a dial under way included (its result, if it comes,
     * finds no target and is ignored); its seeds stay, as configured.
     *
     * @param nodeId the node
     */
    void forgetNodeForGood(final String nodeId) {
        targets.values().removeIf(t -> !t.seed && nodeId.equals(t.nodeId));
    }

    /**
     * Membership says a node is alive: its URLs (and {@code url}, learned when new) are due now with a fresh backoff,
     * instead of after what is left of their delay. A URL being dialed, or this node's own, is left as it is.
     *
     * @param nodeId the node
     * @param url a URL for it, canonical, or {@code null}
     * @param nowNs the time
     * @param isLinked whether a node's link is up
     * @return how many URLs were made due
     */
    int dialNow(final String nodeId, final String url, final long nowNs, final Predicate<String> isLinked) {
        if (url != null) {
            learn(nodeId, url, isLinked);
        }
        int due = 0;
        for (final Target t : targets.values()) {
            if (t.self || t.inProgress || !(nodeId.equals(t.nodeId) || t.url.equals(url))) {
                continue;
            }
            t.backoff.reset();
            t.nextDialNs = nowNs;
            due++;
        }
        return due;
    }

    /**
     * @param nodeId a node
     * @return whether one of the seeds answered as that node (a configured peer, as opposed to one that only dialed)
     */
    boolean isSeedNode(final String nodeId) {
        for (final Target t : targets.values()) {
            if (t.seed && nodeId.equals(t.nodeId)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The targets to dial now: not this node, not being dialed, past their backoff, and whose node is not linked.
     * Each is marked as being dialed.
     *
     * @param nowNs the time
     * @param isLinked whether a node's link is up
     * @return the targets, possibly none
     */
    List<Target> due(final long nowNs, final Predicate<String> isLinked) {
        final List<Target> due = new ArrayList<>();
        for (final Target t : targets.values()) {
            if (t.self || t.inProgress || nowNs - t.nextDialNs < 0 || (t.nodeId != null && isLinked.test(t.nodeId))) {
                continue;
            }
            t.inProgress = true;
            due.add(t);
        }
        return due;
    }

    /** @param t a dial that failed, or a dialed connection that ended: wait the next backoff delay */
    void ended(final Target t, final long nowNs) {
        ended(t, nowNs, false);
    }

    /**
     * @param t a dial that failed, or a dialed connection that ended: wait the next backoff delay
     * @param nowNs the time
     * @param peerNotReady the peer closed it because it cannot take envelopes yet (still starting): its handshake does
     *     not make the backoff fresh, so that a node that stays unready is redialed less and less often
     */
    void ended(final Target t, final long nowNs, final boolean peerNotReady) {
        if (t.handshaken && !peerNotReady) {
            t.backoff.reset();
        }
        t.handshaken = false;
        t.inProgress = false;
        t.nextDialNs = nowNs + t.backoff.nextDelayNs();
    }

    /** @param t a dial whose handshake reached a peer: its node; the backoff starts over when this connection ends */
    void linked(final Target t, final String nodeId) {
        t.nodeId = nodeId;
        t.inProgress = false;
        t.handshaken = true;
    }

    /** @param t a dial that reached this node itself: never dialed again */
    void self(final Target t) {
        t.self = true;
        t.inProgress = false;
    }

    /**
     * @param url a URL
     * @return its target, or {@code null}
     */
    Target target(final String url) {
        return targets.get(url);
    }

    /** @return every target, in the order they became known */
    Collection<Target> all() {
        return List.copyOf(targets.values());
    }

    private Target newTarget(final String url, final boolean seed) {
        return new Target(url, seed, new Backoff(backoffMinNs, backoffMaxNs, random));
    }
}

package hamlet.gossip.sim;

import hamlet.gossip.internal.Membership;
import hamlet.gossip.internal.Placer;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;

/**
 * One simulated node: its {@link Membership}, what its process is doing, and what it sent. The same object outlives
 * a restart (same id and URL, as a restarted process keeps its configuration); {@link #generation} tells the
 * processes apart, so that a timer of the crashed one never wakes the new one.
 *
 * <p>Threading: one thread, the one running the simulation.
 */
final class SimNode {
    /** What the node's process is doing. */
    enum State {
        /** Ticking and taking messages. */
        RUNNING,
        /** Stopped as by SIGSTOP: messages queue and are taken on resume. */
        STALLED,
        /** Gone without a word (kill -9, power loss); messages to it are lost. */
        CRASHED,
        /** Stopped after leaving gracefully; messages to it are lost. */
        STOPPED
    }

    /** A message that reached a stalled node. */
    record Held(String from, byte[] message) {
    }

    final String id;
    final String url;
    final int index;
    State state = State.RUNNING;
    Membership membership;
    /** Placement of this process; null when the simulation places no cluster actors. */
    Placer placer;
    /** The cluster actors the registry of this process runs, by name, with their epochs (the simulated registry). */
    final Map<String, Long> running = new TreeMap<>();
    long uid;
    int generation;
    // Each scheduled wake carries the token it was given; only the latest is honoured, so a node rescheduled earlier
    // by a message does not also tick at the time it had asked for before.
    long wakeToken;
    // When the latest scheduled wake is due; at or before now when none is pending.
    long wakeAtMs = Long.MIN_VALUE;
    final Queue<Held> held = new ArrayDeque<>();
    long bytesSent;

    SimNode(final String id, final String url, final int index) {
        this.id = id;
        this.url = url;
        this.index = index;
    }

    /** @return whether the process exists (running or stalled), so that its view counts */
    boolean isUp() {
        return state == State.RUNNING || state == State.STALLED;
    }

    @Override
    public String toString() {
        return id + "(" + state + ", gen " + generation + ")";
    }
}

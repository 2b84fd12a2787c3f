package hamlet.admin.internal.dashboard;

import java.util.List;

/**
 * What one node said about itself at one second: the figures the dashboard charts and lists. Immutable.
 *
 * @param node the node it is about (for a remote sample, the sender's id as its transport handshake said, never what
 *     the payload claims)
 * @param atMillis when it was taken (own samples) or received here (remote ones), epoch milliseconds: the charts use
 *     this node's clock for every line, so clock skew between machines does not bend them
 * @param ratePerSec messages processed per second by its actors over the last interval
 * @param p50Ms median message latency (enqueued to handled) over the last interval, milliseconds; -1 when nothing
 *     was observed
 * @param p99Ms 99th percentile of the same, -1 when nothing was observed
 * @param heapUsedBytes heap in use
 * @param heapMaxBytes the heap's limit
 * @param cpu the process's share of the machine's CPU, 0..1; -1 when the JVM does not say
 * @param backlog messages waiting in its actors' mailboxes
 * @param actors its local actors
 * @param deadLetterCount its dead letters since it started
 * @param deadLetters its last few dead letters, newest first
 */
public record NodeSample(String node, long atMillis, double ratePerSec, double p50Ms, double p99Ms,
                         long heapUsedBytes, long heapMaxBytes, double cpu, long backlog, int actors,
                         long deadLetterCount, List<DeadLetterLine> deadLetters) {
    public NodeSample {
        deadLetters = List.copyOf(deadLetters);
    }

    /** @return this sample without its dead letters, when the encoded one is too large */
    NodeSample withoutDeadLetters() {
        return new NodeSample(node, atMillis, ratePerSec, p50Ms, p99Ms, heapUsedBytes, heapMaxBytes, cpu, backlog,
            actors, deadLetterCount, List.of());
    }

    /** @return this sample stamped as received here, from {@code sender} */
    NodeSample receivedFrom(final String sender, final long receivedAtMillis) {
        return new NodeSample(sender, receivedAtMillis, ratePerSec, p50Ms, p99Ms, heapUsedBytes, heapMaxBytes, cpu,
            backlog, actors, deadLetterCount, deadLetters);
    }

    /**
     * One dead letter as the dashboard lists it: text clipped, so that a sample stays small.
     *
     * @param atMillis when it became a dead letter, epoch milliseconds
     * @param to the address it was for
     * @param reason its reason (the enum's name)
     * @param detail a sentence, clipped
     */
    public record DeadLetterLine(long atMillis, String to, String reason, String detail) {
    }
}

/**
 * The seam between the registry and the node-to-node transport. The transport bundle provides {@link
 * hamlet.api.transport.Transport}; the registry provides {@link hamlet.api.transport.EnvelopeReceiver}. Neither knows
 * the other's internals (the registry knows nothing of WebSockets; the transport nothing of actors or codecs): what
 * crosses is a {@link hamlet.api.transport.WireEnvelope}, addresses as text and a body already encoded.
 *
 * <p>Delivery contract, per (sending node, receiving node) pair: envelopes accepted by {@code send} arrive in the
 * order they were accepted, at most once per run (uid) of the sender (duplicates after a reconnect are dropped by
 * sequence number); while the peer is away they wait in a bounded buffer; what the transport gives up on (buffer
 * full, too old, too many failed attempts, unknown node) is handed back to the registry through
 * {@link hamlet.api.transport.EnvelopeReceiver#onUndeliverable}, so that it becomes a dead letter with a reason.
 * Nothing is acknowledged to a sender that the receiver did not take.
 *
 * <p>Beside the envelopes runs a control lane ({@link hamlet.api.transport.Transport#sendControl},
 * {@link hamlet.api.transport.ControlReceiver}): small, unreliable, unordered messages on numbered channels,
 * written ahead of data, for membership.
 *
 * <p>2.0.0: {@code onEnvelope} answers whether it took the envelope; {@code PeerInfo.uid} replaces
 * {@code incarnation} (a random per-start id, not an order); the control lane and the counters.
 *
 * <p>2.1.0: {@link hamlet.api.transport.Transport#forget} (membership removed a node: its buffered envelopes become
 * dead letters now) and {@link hamlet.api.transport.Transport#dialNow} (membership says a node is back: skip the
 * reconnect backoff); {@code *:group} in {@link hamlet.api.transport.WireEnvelope#to} is documented as the receiving
 * node's own members of the group.
 *
 * <p>2.2.0: {@link hamlet.api.transport.Transport#reclaim} (take matching envelopes back from a node's outbox, to send
 * them elsewhere: failover) and {@link hamlet.api.transport.EnvelopeReceiver#onReclaimed}, whose default makes dead
 * letters of them.
 *
 * <p>2.4.0: {@link hamlet.api.transport.WireEnvelope#traceId()} (protocol version 3 carries it).
 */
@Export
@Version("2.4.0")
package hamlet.api.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

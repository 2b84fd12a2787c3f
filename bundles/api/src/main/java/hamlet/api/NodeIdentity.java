package hamlet.api;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Who this node is: the one source of its identity that the actor runtime, the transport, the admin API and
 * membership all read. The config bundle offers it as an OSGi service (under this class) once the node's first
 * config load has been applied, built from section {@code hamlet.node} of the config in force and from the
 * framework's launch UUID; when a live edit changes {@code hamlet.node.host} or {@code port}, it registers a new
 * value and then unregisters the old one. The value itself never changes.
 *
 * <p>Two starts of the same node have the same {@link #id} and different {@link #uid}s: the pair tells a restarted
 * node from the one that was there before (what Pekko calls a unique address).
 *
 * @param id this node's id ({@code hamlet.node.id}): the first part of its actors' addresses ({@code node1:echo}),
 *     unique in a cluster, fixed while the node runs (an edit of it is refused while the actor runtime runs)
 * @param host the host name or IP address other nodes reach this node at ({@code hamlet.node.host}); may change
 *     with a live edit
 * @param port the TCP port of the node-to-node transport ({@code hamlet.node.port}), as configured: 0 means the
 *     transport picks a free one, which only the transport knows; may change with a live edit
 * @param uid this start's id: random per start of the framework (never 0), the same for every bundle of one start,
 *     and new after a restart. Compare it for equality only, never for order: a larger uid is not a newer start
 */
public record NodeIdentity(String id, String host, int port, long uid) {
    /**
     * Checks every field.
     *
     * @throws IllegalArgumentException naming the field that is wrong and the value it had
     */
    public NodeIdentity {
        Address.checkName("hamlet.node.id", id);
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("hamlet.node.host must be a host name or IP address, got '" + host
                + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("hamlet.node.port must be between 0 and 65535, got " + port);
        }
        if (uid == 0) {
            throw new IllegalArgumentException("uid must not be 0 (0 means \"not known\" where a uid is shown)");
        }
    }

    /** @return {@link #uid} as 16 lower-case hex digits, as it is shown to operators and in logs */
    public String uidHex() {
        return String.format("%016x", uid);
    }

    /**
     * Folds the framework's launch UUID ({@code org.osgi.framework.uuid}, new at each start of a framework) into a
     * uid: the UUID's two halves XORed; a value that is not a UUID gives its {@link String#hashCode}. Every bundle of
     * one framework start gets the same uid from the same property. Without a property (outside a framework), or in
     * the one case where the fold gives 0, the uid is a fresh random number instead.
     *
     * @param frameworkUuid the framework's launch UUID, or {@code null} outside a framework (then random)
     * @return a uid that is never 0
     */
    public static long uidOf(final String frameworkUuid) {
        long uid = 0;
        if (frameworkUuid != null) {
            try {
                final UUID uuid = UUID.fromString(frameworkUuid);
                uid = uuid.getMostSignificantBits() ^ uuid.getLeastSignificantBits();
            } catch (final IllegalArgumentException notAUuid) {
                uid = frameworkUuid.hashCode();
            }
        }
        final SecureRandom random = new SecureRandom();
        while (uid == 0) {
            uid = random.nextLong();
        }
        return uid;
    }

    @Override
    public String toString() {
        return id + " at " + host + ":" + port + " (uid " + uidHex() + ")";
    }
}

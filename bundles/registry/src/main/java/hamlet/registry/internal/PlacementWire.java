package hamlet.registry.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The registry-to-registry messages of failover, carried on the data lane (in order, acknowledged and resent by the
 * transport like any message) as envelopes of the reserved codec id {@value #CODEC_ID}, addressed to
 * {@code node:actor}. Layout, big-endian:
 *
 * <pre>
 *   byte    version (1)
 *   byte    type, append-only: 1 HANDOVER, 2 REPLICA, 3 REPLICA_ACK
 *   short   length of the actor's name, then its UTF-8 bytes (at most 1024)
 *   long    epoch: HANDOVER the new owner's epoch (nextEpoch); REPLICA and REPLICA_ACK the owner's epoch
 *   long    number: HANDOVER the epoch of the activation handed over; REPLICA and REPLICA_ACK the copy's number
 *           within its epoch (1, 2, 3 ...)
 *   int     length of the state document, -1 for none (REPLICA_ACK), then its UTF-8 JSON bytes:
 *           {"state": the actor's snapshot or null, "seen": what it handled, see SeenSequences}
 * </pre>
 *
 * A HANDOVER is preceded on the same link by the actor's waiting messages, each an ordinary stamped message
 * ({@link Stamp}) to {@code newOwner:actor} (so that no envelope grows with the mailbox): the new owner holds them,
 * and they are all there when the state arrives and placement activates the actor.
 *
 * @param type what it is
 * @param name the actor
 * @param epoch see the layout
 * @param number see the layout
 * @param document the state document, or null
 */
record PlacementWire(Type type, String name, long epoch, long number, String document) {
    /** The reserved codec id of these messages. Never reuse. */
    static final int CODEC_ID = 6;
    static final int VERSION = 1;
    private static final int MAX_NAME_BYTES = 1024;
    private static final int FIXED_BYTES = 1 + 1 + 2 + 8 + 8 + 4;

    /** Append-only. */
    enum Type {
        HANDOVER(1), REPLICA(2), REPLICA_ACK(3), COPY_REQUEST(4), COPY(5);

        final int id;

        Type(final int id) {
            this.id = id;
        }

        static Type of(final int id) {
            for (final Type type : values()) {
                if (type.id == id) {
                    return type;
                }
            }
            throw new IllegalArgumentException("unknown placement message type " + id);
        }
    }

    PlacementWire {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    /** @return the bytes of the envelope's payload */
    byte[] encode() {
        final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        final byte[] doc = document == null ? null : document.getBytes(StandardCharsets.UTF_8);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(FIXED_BYTES + nameBytes.length
            + (doc == null ? 0 : doc.length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(type.id);
            out.writeShort(nameBytes.length);
            out.write(nameBytes);
            out.writeLong(epoch);
            out.writeLong(number);
            out.writeInt(doc == null ? -1 : doc.length);
            if (doc != null) {
                out.write(doc);
            }
        } catch (final IOException e) {
            throw new IllegalStateException("cannot happen in memory", e);
        }
        return bytes.toByteArray();
    }

    /**
     * @param payload from another node
     * @return the message
     * @throws IllegalArgumentException when malformed: each length is checked against the bytes left before use
     */
    static PlacementWire decode(final byte[] payload) {
        if (payload.length < FIXED_BYTES) {
            throw new IllegalArgumentException("a placement message of " + payload.length + " bytes is too short");
        }
        final ByteBuffer in = ByteBuffer.wrap(payload);
        final int version = in.get() & 0xff;
        if (version != VERSION) {
            throw new IllegalArgumentException("placement message version " + version + " is not " + VERSION);
        }
        final Type type = Type.of(in.get() & 0xff);
        final int nameLength = in.getShort() & 0xffff;
        if (nameLength == 0 || nameLength > MAX_NAME_BYTES || nameLength > in.remaining() - 20) {
            throw new IllegalArgumentException("placement message name length " + nameLength + " is out of bounds");
        }
        final byte[] name = new byte[nameLength];
        in.get(name);
        final long epoch = in.getLong();
        final long number = in.getLong();
        final int docLength = in.getInt();
        if (docLength < -1 || docLength > in.remaining()) {
            throw new IllegalArgumentException("placement message document length " + docLength + " is out of "
                + "bounds (" + in.remaining() + " bytes left)");
        }
        String document = null;
        if (docLength >= 0) {
            final byte[] doc = new byte[docLength];
            in.get(doc);
            document = new String(doc, StandardCharsets.UTF_8);
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("placement message has " + in.remaining() + " bytes left over");
        }
        return new PlacementWire(type, new String(name, StandardCharsets.UTF_8), epoch, number, document);
    }
}

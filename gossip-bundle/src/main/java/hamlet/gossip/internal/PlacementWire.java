package hamlet.gossip.internal;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import hamlet.api.ActorSpec;
import hamlet.api.cluster.ClusterActorSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Placement's messages on the control lane, beside membership's (first byte {@code 'P'} rather than {@code 'G'}):
 * unreliable, so every one is idempotent and carries versions.
 *
 * <pre>
 * 'P' version:u8 type:u8 uid:i64 ...
 *   HEARTBEAT     seq:i64 tableVersion:i64 echo:i64 released:u16 {node:str}
 *   TABLE_REQUEST wantVersion:i64
 *   TABLE         version:i64 eligible:u8 behaviors:u16 {str} specs:u16 {name:str behavior:str group:str? spread:u8 config:str}
 *   PROPOSE       name:str epoch:i64 owner:str
 *   REPLY         name:str epoch:i64 ok:u8 knownNode:str? knownEpoch:i64
 *                 claims:u16 {name:str node:str epoch:i64 version:i64 state:u8 movingTo:str? nextEpoch:i64
 *                              cause:u8 changedAt:i64 took:i64 stateBytes:i64}
 * </pre>
 *
 * {@code echo} is the sequence of the receiver's latest heartbeat the sender took while it grants the receiver a
 * lease (0 when it does not); {@code released} names the members whose lease the sender vouches has run out.
 */
final class PlacementWire {
    static final int MAGIC = 'P';
    static final int VERSION = 1;
    static final int HEARTBEAT = 1;
    static final int TABLE_REQUEST = 2;
    static final int TABLE = 3;
    static final int PROPOSE = 4;
    static final int REPLY = 5;

    private PlacementWire() {
    }

    /**
     * A node's claim on a cluster actor: the highest epoch wins; for one epoch (one owner), the higher version, which
     * only the owner raises.
     */
    record Claim(String name, String node, long epoch, long version, ClaimState state, String movingTo,
                 long nextEpoch, Change change) {
        Claim(final String name, final String node, final long epoch, final long version, final ClaimState state,
              final String movingTo, final long nextEpoch) {
            this(name, node, epoch, version, state, movingTo, nextEpoch, Change.NONE);
        }

        boolean newerThan(final Claim other) {
            return other == null || epoch > other.epoch
                || epoch == other.epoch && node.equals(other.node) && version > other.version;
        }

        /** @return the node that has, or is about to have, the actor */
        String effectiveOwner() {
            return state == ClaimState.MOVING ? movingTo : node;
        }

        Claim with(final ClaimState next, final String to, final long nextEpochValue) {
            return new Claim(name, node, epoch, version + 1, next, to, nextEpochValue, change);
        }

        Claim with(final Change done) {
            return new Claim(name, node, epoch, version + 1, state, movingTo, nextEpoch, done);
        }
    }

    /**
     * How the owner's activation came about, for operators on every node: the cause (0 for none yet, else
     * {@link hamlet.api.cluster.Activation.Cause} ordinal + 1), when it answered again, how long it answered nobody,
     * and the size of the state it was restored from.
     */
    record Change(int cause, long atMs, long tookMs, long stateBytes) {
        static final Change NONE = new Change(0, 0, -1, -1);
    }

    /** What an owner is doing with its activation. */
    enum ClaimState {
        /** Running and taking messages. */
        ACTIVE,
        /** Handed to {@code movingTo} under {@code nextEpoch}; messages wait on the senders. */
        MOVING,
        /** Stopped because this node lost its lease; state and messages kept here. */
        FENCED,
        /** The owner runs nothing for it (a restarted process, or a node that left): take it over at once. */
        ABANDONED
    }

    /** What a node can run and what it runs: changes rarely, so it is fetched by version, not pushed. */
    /**
     * @param eligible whether the node takes placements now: it holds a lease and has been in the cluster for
     *     stable-after (the others rank it only then, so that nothing is handed to a node that would refuse it)
     */
    record Table(long uid, long version, boolean eligible, List<String> behaviors, List<ClusterActorSpec> specs,
                 List<Claim> claims) {
    }

    record Heartbeat(long uid, long seq, long tableVersion, long echo, List<String> released) {
    }

    record TableRequest(long uid, long wantVersion) {
    }

    /** Asks a member to promise that no activation of {@code name} under {@code epoch} goes to another owner. */
    record Propose(long uid, String name, long epoch, String owner) {
    }

    /** A member's answer, with the highest epoch (and its owner) it knew of before, promised or claimed. */
    record Reply(long uid, String name, long epoch, boolean ok, String knownNode, long knownEpoch) {
    }

    static byte[] propose(final Propose p) {
        return header(PROPOSE, p.uid()).string(p.name()).i64(p.epoch()).string(p.owner()).toBytes();
    }

    static byte[] reply(final Reply r) {
        return header(REPLY, r.uid()).string(r.name()).i64(r.epoch()).u8(r.ok() ? 1 : 0)
            .optionalString(r.knownNode()).i64(r.knownEpoch()).toBytes();
    }

    static Propose readPropose(final byte[] bytes) throws Malformed {
        final WireReader in = body(bytes);
        final Propose p = new Propose(in.i64(), in.string(), in.i64(), in.string());
        in.end();
        return p;
    }

    static Reply readReply(final byte[] bytes) throws Malformed {
        final WireReader in = body(bytes);
        final Reply r = new Reply(in.i64(), in.string(), in.i64(), in.u8() == 1, in.optionalString(), in.i64());
        in.end();
        return r;
    }

    static byte[] heartbeat(final Heartbeat h) {
        final WireWriter out = header(HEARTBEAT, h.uid()).i64(h.seq()).i64(h.tableVersion()).i64(h.echo());
        out.u16(h.released().size());
        h.released().forEach(out::string);
        return out.toBytes();
    }

    static byte[] tableRequest(final TableRequest r) {
        return header(TABLE_REQUEST, r.uid()).i64(r.wantVersion()).toBytes();
    }

    /**
     * @return the table encoded, dropping specs that do not fit {@code maxBytes} (the caller notes it); claims
     *     always fit, as each is a few dozen bytes and a node runs at most a few hundred
     */
    static byte[] table(final Table t, final int maxBytes) {
        final WireWriter out = header(TABLE, t.uid()).i64(t.version()).u8(t.eligible() ? 1 : 0);
        out.u16(t.behaviors().size());
        t.behaviors().forEach(out::string);
        final int claimsBytes = 2 + t.claims().stream().mapToInt(c -> 2 + utf8(c.name()) + 2 + utf8(c.node()) + 8 + 8
            + 1 + 2 + (c.movingTo() == null ? 0 : utf8(c.movingTo())) + 8 + 1 + 24).sum();
        final int countAt = out.size();
        out.u16(0);
        int specs = 0;
        for (final ClusterActorSpec s : t.specs()) {
            final int mark = out.size();
            final String config = s.spec().config().toString();
            if (config.length() > WireReader.MAX_STRING_BYTES / 2) {
                continue;
            }
            out.string(s.name()).string(s.spec().behavior()).optionalString(s.spec().group()).u8(s.spread() ? 1 : 0)
                .string(config);
            if (out.size() + claimsBytes > maxBytes) {
                out.truncate(mark);
                break;
            }
            specs++;
        }
        out.patchU16(countAt, specs);
        out.u16(t.claims().size());
        for (final Claim c : t.claims()) {
            out.string(c.name()).string(c.node()).i64(c.epoch()).i64(c.version()).u8(c.state().ordinal())
                .optionalString(c.movingTo()).i64(c.nextEpoch()).u8(c.change().cause()).i64(c.change().atMs())
                .i64(c.change().tookMs()).i64(c.change().stateBytes());
        }
        return out.toBytes();
    }

    /** @return the message's type, after checking magic and version */
    static int type(final byte[] bytes) throws Malformed {
        final WireReader in = new WireReader(bytes);
        if (in.u8() != MAGIC) {
            throw new Malformed("not a placement message");
        }
        final int version = in.u8();
        if (version != VERSION) {
            throw new Malformed("placement version " + version + ", this node speaks " + VERSION);
        }
        return in.u8();
    }

    static Heartbeat readHeartbeat(final byte[] bytes) throws Malformed {
        final WireReader in = body(bytes);
        final long uid = in.i64();
        final long seq = in.i64();
        final long tableVersion = in.i64();
        final long echo = in.i64();
        final int n = in.count(2);
        final List<String> released = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            released.add(in.string());
        }
        in.end();
        return new Heartbeat(uid, seq, tableVersion, echo, released);
    }

    static TableRequest readTableRequest(final byte[] bytes) throws Malformed {
        final WireReader in = body(bytes);
        final TableRequest r = new TableRequest(in.i64(), in.i64());
        in.end();
        return r;
    }

    static Table readTable(final byte[] bytes) throws Malformed {
        final WireReader in = body(bytes);
        final long uid = in.i64();
        final long version = in.i64();
        final boolean eligible = in.u8() == 1;
        final int nb = in.count(2);
        final List<String> behaviors = new ArrayList<>(nb);
        for (int i = 0; i < nb; i++) {
            behaviors.add(in.string());
        }
        final int ns = in.count(9);
        final List<ClusterActorSpec> specs = new ArrayList<>(ns);
        for (int i = 0; i < ns; i++) {
            final String name = in.string();
            final String behavior = in.string();
            final String group = in.optionalString();
            final boolean spread = in.u8() == 1;
            final String config = in.string();
            try {
                final JsonObject json = JsonParser.parseString(config).getAsJsonObject();
                specs.add(new ClusterActorSpec(new ActorSpec(name, behavior, group, json), spread));
            } catch (final RuntimeException e) {
                throw new Malformed("cluster actor spec '" + name + "' is not valid: " + e.getMessage());
            }
        }
        final int nc = in.count(55);
        final List<Claim> claims = new ArrayList<>(nc);
        final ClaimState[] states = ClaimState.values();
        for (int i = 0; i < nc; i++) {
            final String name = in.string();
            final String node = in.string();
            final long epoch = in.i64();
            final long claimVersion = in.i64();
            final int state = in.u8();
            if (state >= states.length) {
                throw new Malformed("claim state " + state + " is unknown");
            }
            final String movingTo = in.optionalString();
            final long nextEpoch = in.i64();
            final int cause = in.u8();
            if (cause > hamlet.api.cluster.Activation.Cause.values().length) {
                throw new Malformed("activation cause " + cause + " is unknown");
            }
            claims.add(new Claim(name, node, epoch, claimVersion, states[state], movingTo, nextEpoch,
                new Change(cause, in.i64(), in.i64(), in.i64())));
        }
        in.end();
        return new Table(uid, version, eligible, behaviors, specs, claims);
    }

    private static int utf8(final String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static WireWriter header(final int type, final long uid) {
        return new WireWriter().u8(MAGIC).u8(VERSION).u8(type).i64(uid);
    }

    private static WireReader body(final byte[] bytes) throws Malformed {
        final WireReader in = new WireReader(bytes);
        in.u8();
        in.u8();
        in.u8();
        return in;
    }
}

package hamlet.gossip.internal;

import hamlet.api.cluster.MemberLoad;

import java.util.ArrayList;
import java.util.List;

/**
 * One gossip message, decoded, and the encoders of each type. Every message starts with the sender's own news
 * (uid, URL, incarnation, directory version and load), so that whoever hears from a member learns how busy it is
 * without a broadcast.
 *
 * <p>Wire: {@code 'G' version type uid url incarnation dirVersion loadVersion backlog busy cpu} then the type's
 * body; integers big-endian; strings u16 length + UTF-8; counts u16, each checked against the bytes left.
 */
record Message(Type type, long senderUid, String senderUrl, long senderIncarnation, long senderDirVersion,
               long senderLoadVersion, MemberLoad senderLoad, long seq, String targetId, String targetUrl,
               long targetUid, int flags, List<Digest> digests, List<Update> updates, String dirNode, long dirUid,
               long dirVersion, int page, int pages, List<String[]> dirEntries) {
    static final int MAGIC = 'G';
    static final int VERSION = 1;
    /** PUSH_PULL flag: the sender is joining through this node. */
    static final int JOIN = 1;
    /** PUSH_PULL flag: the sender wants this node's state back. */
    static final int WANT_REPLY = 2;

    enum Type { PING, PING_REQ, ACK, NACK, GOSSIP, PUSH_PULL, DIR_REQUEST, DIR_PAGE }

    /**
     * One member's full state in a push/pull.
     */
    record Digest(String id, String url, long uid, long incarnation, Update.Kind state, long dirVersion,
                  long loadVersion, MemberLoad load) {
        static final int MIN_BYTES = 2 + 2 + 8 + 8 + 1 + 8 + 8 + 8 + 2 + 2;

        void write(final WireWriter out) {
            out.string(id).string(url).i64(uid).i64(incarnation).u8(state.ordinal()).i64(dirVersion).i64(loadVersion);
            writeLoad(out, load);
        }

        static Digest read(final WireReader in) throws Malformed {
            final String id = in.string();
            final String url = in.string();
            final long uid = in.i64();
            final long incarnation = in.i64();
            final int s = in.u8();
            if (s >= Update.Kind.values().length) {
                throw new Malformed("unknown member state " + s);
            }
            return new Digest(id, url, uid, incarnation, Update.Kind.values()[s], in.i64(), in.i64(), readLoad(in));
        }
    }

    /** The sender's own news, written first in every message. */
    record Self(long uid, String url, long incarnation, long dirVersion, long loadVersion, MemberLoad load) {
    }

    static WireWriter header(final Type type, final Self self) {
        final WireWriter out = new WireWriter();
        out.u8(MAGIC).u8(VERSION).u8(type.ordinal()).i64(self.uid()).string(self.url()).i64(self.incarnation())
            .i64(self.dirVersion()).i64(self.loadVersion());
        writeLoad(out, self.load());
        return out;
    }

    static void writeLoad(final WireWriter out, final MemberLoad load) {
        out.i64(load.backlog()).u16((int) Math.round(load.busy() * 10_000)).u16((int) Math.round(load.cpu() * 10_000));
    }

    static MemberLoad readLoad(final WireReader in) throws Malformed {
        final long backlog = in.i64();
        final int busy = in.u16();
        final int cpu = in.u16();
        if (backlog < 0 || busy > 10_000 || cpu > 10_000) {
            throw new Malformed("load out of range");
        }
        return new MemberLoad(backlog, busy / 10_000.0, cpu / 10_000.0);
    }

    /**
     * Decodes one message.
     *
     * @param bytes what the control lane delivered
     * @return the message
     * @throws Malformed when any rule of the format is broken
     */
    static Message decode(final byte[] bytes) throws Malformed {
        final WireReader in = new WireReader(bytes);
        if (in.u8() != MAGIC) {
            throw new Malformed("not a gossip message (bad magic)");
        }
        final int version = in.u8();
        if (version != VERSION) {
            throw new Malformed("gossip version " + version + ", this node speaks " + VERSION);
        }
        final int t = in.u8();
        if (t >= Type.values().length) {
            throw new Malformed("unknown message type " + t);
        }
        final Type type = Type.values()[t];
        final long uid = in.i64();
        final String url = in.string();
        final long incarnation = in.i64();
        final long dirVersion = in.i64();
        final long loadVersion = in.i64();
        final MemberLoad load = readLoad(in);
        long seq = 0;
        String targetId = null;
        String targetUrl = null;
        long targetUid = 0;
        int flags = 0;
        List<Digest> digests = List.of();
        List<Update> updates = List.of();
        String dirNode = null;
        long dirUid = 0;
        long dirVer = 0;
        int page = 0;
        int pages = 0;
        List<String[]> entries = List.of();
        switch (type) {
            case PING -> {
                seq = in.i64();
                targetId = in.string();
                targetUid = in.i64();
                updates = updates(in);
            }
            case PING_REQ -> {
                seq = in.i64();
                targetId = in.string();
                targetUrl = in.string();
                targetUid = in.i64();
                updates = updates(in);
            }
            case ACK -> {
                seq = in.i64();
                updates = updates(in);
            }
            case NACK -> seq = in.i64();
            case GOSSIP -> updates = updates(in);
            case PUSH_PULL -> {
                flags = in.u8();
                final int n = in.count(Digest.MIN_BYTES);
                digests = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    digests.add(Digest.read(in));
                }
            }
            case DIR_REQUEST -> {
                dirNode = in.string();
                dirVer = in.i64();
            }
            case DIR_PAGE -> {
                dirNode = in.string();
                dirUid = in.i64();
                dirVer = in.i64();
                page = in.u16();
                pages = in.u16();
                if (pages == 0 || page >= pages) {
                    throw new Malformed("directory page " + page + " of " + pages);
                }
                final int n = in.count(4);
                entries = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    entries.add(new String[] {in.string(), in.optionalString()});
                }
            }
            default -> throw new Malformed("unknown message type " + type);
        }
        in.end();
        return new Message(type, uid, url, incarnation, dirVersion, loadVersion, load, seq, targetId, targetUrl,
            targetUid, flags, digests, updates, dirNode, dirUid, dirVer, page, pages, entries);
    }

    private static List<Update> updates(final WireReader in) throws Malformed {
        final int n = in.count(Update.MIN_BYTES);
        final List<Update> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(Update.read(in));
        }
        return list;
    }
}

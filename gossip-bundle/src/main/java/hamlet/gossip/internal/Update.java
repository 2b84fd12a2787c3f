package hamlet.gossip.internal;

/**
 * One piece of membership news, piggybacked on protocol messages: a member is alive (with its URL and directory
 * version), suspected, dead, or left (dead by its own word). Ordered per member by incarnation.
 *
 * @param kind what is said
 * @param id the member's id
 * @param uid the member's process uid
 * @param incarnation the member's incarnation the news is about
 * @param url the member's URL (ALIVE only, else null)
 * @param dirVersion the member's directory version (ALIVE only)
 * @param from who says so (SUSPECT, DEAD, LEFT; else null)
 */
record Update(Kind kind, String id, long uid, long incarnation, String url, long dirVersion, String from) {
    enum Kind { ALIVE, SUSPECT, DEAD, LEFT }

    static Update alive(final String id, final long uid, final long incarnation, final String url,
                        final long dirVersion) {
        return new Update(Kind.ALIVE, id, uid, incarnation, url, dirVersion, null);
    }

    static Update suspect(final String id, final long uid, final long incarnation, final String from) {
        return new Update(Kind.SUSPECT, id, uid, incarnation, null, 0, from);
    }

    static Update dead(final String id, final long uid, final long incarnation, final String from) {
        return new Update(Kind.DEAD, id, uid, incarnation, null, 0, from);
    }

    static Update left(final String id, final long uid, final long incarnation) {
        return new Update(Kind.LEFT, id, uid, incarnation, null, 0, id);
    }

    void write(final WireWriter out) {
        out.u8(kind.ordinal() + 1).string(id).i64(uid).i64(incarnation);
        if (kind == Kind.ALIVE) {
            out.string(url).i64(dirVersion);
        } else {
            out.string(from);
        }
    }

    static Update read(final WireReader in) throws Malformed {
        final int k = in.u8();
        if (k < 1 || k > Kind.values().length) {
            throw new Malformed("unknown update kind " + k);
        }
        final Kind kind = Kind.values()[k - 1];
        final String id = in.string();
        final long uid = in.i64();
        final long incarnation = in.i64();
        if (incarnation < 0) {
            throw new Malformed("negative incarnation for " + id);
        }
        if (kind == Kind.ALIVE) {
            return new Update(kind, id, uid, incarnation, in.string(), in.i64(), null);
        }
        return new Update(kind, id, uid, incarnation, null, 0, in.string());
    }

    /** The fewest bytes an update takes on the wire (kind, two empty strings, three longs). */
    static final int MIN_BYTES = 1 + 2 + 8 + 8 + 2;
}

package hamlet.api.cluster;

import java.util.Objects;

/**
 * One member of the cluster as this node sees it.
 *
 * @param id the node id
 * @param url where its transport listens ({@code ws://host:port/hamlet})
 * @param uid random per start of its process: the same node restarted has a new uid (compare for equality only)
 * @param status its state
 * @param incarnation its SWIM incarnation: raised by the member itself to refute a suspicion
 * @param sinceMillis when this node saw it enter its status (epoch milliseconds)
 * @param load its last gossiped load
 * @param actorCount how many named actors its directory lists
 */
public record Member(String id, String url, long uid, MemberStatus status, long incarnation, long sinceMillis,
                     MemberLoad load, int actorCount) {
    public Member {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(load, "load");
    }
}

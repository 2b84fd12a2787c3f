package hamlet.admin.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import hamlet.api.cluster.ClusterActorInfo;
import hamlet.api.cluster.Placement;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The placement part of the admin API: each cluster actor as this node's {@link Placement} sees it, and whether this
 * node may run cluster actors (its lease, and why not). The Placement service comes and goes with the gossip bundle,
 * so it is read once per answer; while it is absent the answers say so with {@code null} or an empty list.
 *
 * <p>Threading: called from Jetty's threads, concurrently; holds no mutable state. Placement answers at once.
 */
final class PlacementApi {
    private final Supplier<Placement> placement;
    private final LongSupplier nanoClock;

    /**
     * @param placement the gossip bundle's placement service, or a supplier of {@code null} while it is absent
     * @param nanoClock the clock the lease is compared with ({@link System#nanoTime} but in tests)
     */
    PlacementApi(final Supplier<Placement> placement, final LongSupplier nanoClock) {
        this.placement = placement;
        this.nanoClock = nanoClock;
    }

    /** @return the placement service now, or {@code null} */
    Placement service() {
        return placement.get();
    }

    /**
     * @return {@code {"blocked": reason or null, "lease": {"holds", "validForMs"}}}, or {@code null} while the
     *     placement service is absent. {@code blocked} says why this node may not run cluster actors now (in the
     *     minority, a three-way split, no lease); {@code validForMs} is how long the lease holds from now, 0 when
     *     it holds none.
     */
    JsonObject summary() {
        final Placement now = placement.get();
        if (now == null) {
            return null;
        }
        final JsonObject json = new JsonObject();
        json.addProperty("blocked", now.blockedReason());
        final long leftNs = now.leaseValidUntilNanos() - nanoClock.getAsLong();
        final JsonObject lease = new JsonObject();
        lease.addProperty("holds", leftNs > 0);
        lease.addProperty("validForMs", leftNs > 0 ? TimeUnit.NANOSECONDS.toMillis(leftNs) : 0);
        json.add("lease", lease);
        return json;
    }

    /** @return every cluster actor known here, sorted by name, as {@link #actor} writes it; empty when absent */
    JsonArray actors() {
        final JsonArray json = new JsonArray();
        final Placement now = placement.get();
        if (now != null) {
            now.actors().forEach(info -> json.add(actor(info)));
        }
        return json;
    }

    /**
     * @param info one cluster actor
     * @return {@code {"name","behavior","group","spread","owner","epoch","state","movingTo","replica","stateBytes",
     *     "lastChange":{"cause","at","atMillis","tookMillis"} or null,"detail"}}
     */
    static JsonObject actor(final ClusterActorInfo info) {
        final JsonObject json = new JsonObject();
        json.addProperty("name", info.name());
        json.addProperty("behavior", info.behavior());
        json.addProperty("group", info.group());
        json.addProperty("spread", info.spread());
        json.addProperty("owner", info.owner());
        json.addProperty("epoch", info.epoch());
        json.addProperty("state", info.state());
        json.addProperty("movingTo", info.movingTo());
        json.addProperty("replica", info.replica());
        json.addProperty("stateBytes", info.stateBytes());
        if (info.lastChange() == null) {
            json.add("lastChange", null);
        } else {
            final JsonObject change = new JsonObject();
            change.addProperty("cause", info.lastChange());
            change.addProperty("at", info.lastChangeAtMillis() <= 0 ? null
                : Json.instant(Instant.ofEpochMilli(info.lastChangeAtMillis())));
            change.addProperty("atMillis", info.lastChangeAtMillis());
            change.addProperty("tookMillis", info.lastChangeTookMillis());
            json.add("lastChange", change);
        }
        json.addProperty("detail", info.detail());
        return json;
    }
}

package hamlet.it.lab;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hamlet.it.system.NodeProcess;

/**
 * The cluster actors as the lab's nodes show them (GET /api/cluster/actors, {@code clusterActors}), and waits on them
 * for the failover lab tests. Used by one test thread.
 */
final class LabPlacement {
    private LabPlacement() {
    }

    /** One cluster actor as a node shows it. */
    record Placed(String name, String owner, long epoch, String state, String replica) {
        @Override
        public String toString() {
            return name + "@" + owner + "/" + epoch + (state.equals("active") ? "" : " " + state);
        }
    }

    /** @return the node's cluster actors by name, or null when it does not answer 200 */
    static Map<String, Placed> of(final LabNode node) {
        if (!node.alive()) {
            return null;
        }
        try {
            final NodeProcess.Reply r = node.process().get("/api/cluster/actors");
            final JsonElement list = r.status() == 200 ? r.at("clusterActors") : null;
            if (list == null || !list.isJsonArray()) {
                return null;
            }
            final Map<String, Placed> all = new TreeMap<>();
            for (final JsonElement e : list.getAsJsonArray()) {
                final JsonObject a = e.getAsJsonObject();
                all.put(a.get("name").getAsString(), new Placed(a.get("name").getAsString(), text(a, "owner"),
                    a.get("epoch").getAsLong(), text(a, "state"), text(a, "replica")));
            }
            return all;
        } catch (final IOException e) {
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * @return the cluster actors when every one of these nodes shows the same ones, all of {@code names} there, all
     *     active on one of these nodes; else null
     */
    static Map<String, Placed> agreed(final List<LabNode> nodes, final Set<String> names) {
        Map<String, Placed> agreed = null;
        for (final LabNode n : nodes) {
            final Map<String, Placed> seen = of(n);
            if (seen == null || !seen.keySet().containsAll(names) || agreed != null && !agreed.equals(seen)) {
                return null;
            }
            agreed = seen;
        }
        if (agreed == null) {
            return null;
        }
        for (final Placed p : agreed.values()) {
            if (!"active".equals(p.state()) || nodes.stream().noneMatch(n -> n.id().equals(p.owner()))) {
                return null;
            }
        }
        return agreed;
    }

    /** @return the agreed placement once it held unchanged for {@code holdMs} */
    static Map<String, Placed> awaitSteady(final List<LabNode> nodes, final Set<String> names, final long holdMs,
                                           final long deadlineMs, final String what) throws InterruptedException {
        final Object[] seen = {null};
        final long[] since = {0};
        await(what + ": nodes " + ids(nodes) + " agree on the owners of " + names + ", all active, unchanged for "
            + holdMs + " ms", deadlineMs, () -> {
                final Map<String, Placed> now = agreed(nodes, names);
                if (now == null || !now.equals(seen[0])) {
                    seen[0] = now;
                    since[0] = System.nanoTime();
                    return false;
                }
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since[0]) >= holdMs;
            }, () -> views(nodes));
        @SuppressWarnings("unchecked")
        final Map<String, Placed> steady = (Map<String, Placed>) seen[0];
        return steady;
    }

    /** @return the node's placement.blocked of GET /api/node: why it may not run cluster actors, or null */
    static String blocked(final LabNode node) {
        try {
            final JsonElement b = node.process().get("/api/node").at("placement", "blocked");
            return b == null || b.isJsonNull() ? null : b.getAsString();
        } catch (final IOException e) {
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static String views(final List<LabNode> nodes) {
        final StringBuilder b = new StringBuilder();
        for (final LabNode n : nodes) {
            final Map<String, Placed> seen = of(n);
            b.append("\n  ").append(n.id()).append(": ").append(seen == null ? "no answer" : seen.values());
        }
        return b.toString();
    }

    static String ids(final List<LabNode> nodes) {
        return nodes.stream().map(LabNode::id).toList().toString();
    }

    /** Polls every 50 ms until the condition holds; fails after {@code deadlineMs} with what was last seen. */
    static void await(final String what, final long deadlineMs, final BooleanSupplier condition,
                      final Supplier<String> lastSeen) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + deadlineMs + " ms: " + what + "; last seen: "
                    + lastSeen.get());
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static String text(final JsonObject o, final String key) {
        final JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }
}

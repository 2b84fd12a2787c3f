package hamlet.registry.internal;

import hamlet.api.ActorInfo;
import hamlet.api.ActorSpec;
import hamlet.api.SpawnException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Keeps the node-bound actors declared in {@code hamlet.actors} running as declared (the cluster actors declared
 * there are offered to placement instead, see {@link ClusterActors#declare}): spawns the missing, stops the ones no
 * longer declared (their waiting messages become dead letters), respawns one whose behaviour or group changed, and
 * hands a changed config block to running actors ({@link hamlet.api.Actor#onConfig}) without restarting them.
 *
 * <p>It manages only the actors it spawned: an actor started by hand under a declared name is left alone (and the
 * clash logged). An actor whose behaviour is not registered is not an error: it is spawned when the behaviour comes
 * ({@link #behaviorRegistered}).
 *
 * <p>Threading: every method from any thread, serialized on this object.
 */
public final class ActorReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(ActorReconciler.class);

    private final LocalActorSystem system;
    /** What config declares now. */
    private Map<String, ActorSpec> declared = Map.of();
    /** The actors this reconciler spawned and still considers its own, by name, with the spec spawned with. */
    private final Map<String, ActorSpec> managed = new TreeMap<>();

    /**
     * @param system the runtime to keep in line
     */
    public ActorReconciler(final LocalActorSystem system) {
        this.system = system;
    }

    /**
     * Brings the node in line with a new declaration.
     *
     * @param settings the actors declared now
     * @return what was done, for tests and the log
     */
    public synchronized Changes apply(final ActorsSettings settings) {
        declared = settings.specs();
        final Changes changes = reconcile();
        // Cluster actors are not spawned here: placement hears of them, and runs each where it belongs.
        system.clusterActors().declare(settings.cluster());
        return changes;
    }

    /**
     * Spawns the declared actors waiting for this behaviour.
     *
     * @param behavior the behaviour just registered
     */
    public void behaviorRegistered(final String behavior) {
        synchronized (this) {
            if (declared.values().stream().noneMatch(spec -> spec.behavior().equals(behavior))) {
                return;
            }
            reconcile();
        }
    }

    private Changes reconcile() {
        final Changes changes = new Changes();
        for (final String name : new ArrayList<>(managed.keySet())) {
            if (!declared.containsKey(name)) {
                managed.remove(name);
                if (system.stop(name, "removed from hamlet.actors")) {
                    changes.stopped.add(name);
                }
            }
        }
        for (final ActorSpec wanted : declared.values()) {
            final String name = wanted.name();
            final Optional<ActorInfo> running = system.actor(name);
            final ActorSpec mine = managed.get(name);
            if (running.isPresent() && mine == null) {
                changes.clashes.add(name);
                LOG.warn("[{}] hamlet.actors declares {}, but an actor of that name was started otherwise; it is "
                    + "left alone", system.nodeId(), name);
                continue;
            }
            if (running.isPresent()) {
                if (!mine.behavior().equals(wanted.behavior()) || !java.util.Objects.equals(mine.group(),
                    wanted.group())) {
                    system.stop(name, "its entry in hamlet.actors changed behaviour or group");
                    managed.remove(name);
                    changes.stopped.add(name);
                } else {
                    if (!mine.config().equals(wanted.config())) {
                        system.reconfigure(name, wanted.config());
                        managed.put(name, wanted);
                        changes.reconfigured.add(name);
                    }
                    continue;
                }
            }
            spawn(wanted, changes);
        }
        if (!changes.isEmpty()) {
            LOG.info("[{}] hamlet.actors reconciled: {}", system.nodeId(), changes);
        }
        return changes;
    }

    private void spawn(final ActorSpec wanted, final Changes changes) {
        if (!system.behaviors().contains(wanted.behavior())) {
            managed.remove(wanted.name());
            changes.waiting.add(wanted.name());
            return;
        }
        try {
            system.spawn(wanted);
            managed.put(wanted.name(), wanted);
            changes.spawned.add(wanted.name());
        } catch (final SpawnException e) {
            changes.failed.add(wanted.name());
            LOG.warn("[{}] hamlet.actors: {}", system.nodeId(), e.getMessage());
        }
    }

    /** What one reconciliation did. Names, sorted. */
    public static final class Changes {
        final TreeSet<String> spawned = new TreeSet<>();
        final TreeSet<String> stopped = new TreeSet<>();
        final TreeSet<String> reconfigured = new TreeSet<>();
        /** Declared, but their behaviour is not registered yet. */
        final TreeSet<String> waiting = new TreeSet<>();
        final TreeSet<String> failed = new TreeSet<>();
        final TreeSet<String> clashes = new TreeSet<>();

        boolean isEmpty() {
            return spawned.isEmpty() && stopped.isEmpty() && reconfigured.isEmpty() && failed.isEmpty();
        }

        List<String> spawned() {
            return List.copyOf(spawned);
        }

        @Override
        public String toString() {
            final StringBuilder text = new StringBuilder();
            part(text, "spawned", spawned);
            part(text, "stopped", stopped);
            part(text, "config changed", reconfigured);
            part(text, "waiting for their behaviour", waiting);
            part(text, "failed", failed);
            return text.toString();
        }

        private static void part(final StringBuilder text, final String what, final TreeSet<String> names) {
            if (!names.isEmpty()) {
                text.append(text.length() == 0 ? "" : "; ").append(what).append(' ').append(names);
            }
        }
    }
}

package hamlet.registry.internal;

import hamlet.api.ActorSpec;
import hamlet.api.SpawnException;
import hamlet.api.cluster.Activation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs one {@link Activation} of placement on this node: picks the state to restore from as the cause says, makes
 * the activation's cell, and releases what was held for the actor into it (the handed-over messages came as held
 * ones, so they go first, in order). The restore itself, with its fallbacks, runs on the actor's first turn
 * ({@link ClusterRole}), which reports to placement.
 *
 * <ul>
 * <li>HANDOVER: the state that came with the handover for this epoch.</li>
 * <li>RESUME: the activation fenced here resumes with its own state; when none is left here, as TAKEOVER.</li>
 * <li>TAKEOVER, FIRST: the copies held here from older epochs, newest first.</li>
 * </ul>
 *
 * <p>Threading: the failover thread, one activation at a time.
 */
final class Activator {
    private static final Logger LOG = LoggerFactory.getLogger(Activator.class);

    private final ClusterActors manager;
    private final ClusterActors.Host host;
    private final ReplicaStore replicas;
    private final ClusterRouting routing;

    Activator(final ClusterActors manager, final ClusterActors.Host host, final ReplicaStore replicas,
              final ClusterRouting routing) {
        this.manager = manager;
        this.host = host;
        this.replicas = replicas;
        this.routing = routing;
    }

    void activate(final Activation activation) {
        final ActorSpec spec = activation.actor().spec();
        final String name = spec.name();
        final long epoch = activation.epoch();
        if (!host.behaviors().contains(spec.behavior())) {
            refuse(name, epoch, "behaviour " + spec.behavior() + " is not installed on " + manager.nodeId());
            return;
        }
        final ActorCell existing = host.cell(name);
        final ClusterRole existingRole = existing == null ? null : existing.role();
        if (existing != null && existingRole == null) {
            refuse(name, epoch, "a node-bound actor named " + name + " runs on " + manager.nodeId());
            return;
        }
        if (existingRole != null && !existingRole.diverted()) {
            if (activation.cause() == Activation.Cause.RESUME && existingRole.fenced()) {
                existingRole.command(new ClusterRole.Resume(epoch));
                existing.schedule();
                return;
            }
            // An activation of an older epoch is still here (fenced, or missed its deactivate): it gives way, its
            // kept messages routed again behind the new one's.
            LOG.warn("[{}] cluster actor {}: epoch {} replaces the activation of epoch {} still here", manager.nodeId(),
                name, epoch, existingRole.epoch());
            existingRole.fence();
            host.retire(existing);
            existingRole.command(new ClusterRole.Forward(manager.nodeId(), epoch));
            existing.schedule();
        }
        final ClusterSlot slot = routing.slot(name);
        final ClusterRole role = new ClusterRole(name, epoch, activation.cause(), statesFor(activation, slot),
            manager);
        try {
            host.spawn(spec, role);
        } catch (final SpawnException e) {
            refuse(name, epoch, e.getMessage());
            return;
        }
        synchronized (slot) {
            slot.divertTo = null;
        }
        routing.release(slot);
    }

    /** @return the state documents to restore from, best first */
    private List<String> statesFor(final Activation activation, final ClusterSlot slot) {
        final List<String> states = new ArrayList<>(3);
        if (activation.cause() == Activation.Cause.HANDOVER) {
            synchronized (slot) {
                if (slot.handedEpoch == activation.epoch() && slot.handedDocument != null) {
                    states.add(slot.handedDocument);
                }
                slot.handedDocument = null;
            }
            if (states.isEmpty()) {
                LOG.warn("[{}] cluster actor {}: activated by handover (epoch {}) but no handed state came for it; "
                    + "it starts from the copies held here", manager.nodeId(), activation.actor().name(),
                    activation.epoch());
            }
        }
        for (final ReplicaStore.Copy copy : replicas.before(activation.actor().name(), activation.epoch())) {
            states.add(copy.document());
        }
        return states;
    }

    private void refuse(final String name, final long epoch, final String why) {
        LOG.error("[{}] cluster actor {} not activated (epoch {}): {}", manager.nodeId(), name, epoch, why);
        manager.reportActivated(name, epoch, 0, "not activated: " + why);
    }
}

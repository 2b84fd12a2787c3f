package hamlet.shell.internal;

import hamlet.api.ActorSystem;
import hamlet.api.NodeIdentity;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.Placement;
import hamlet.api.transport.Transport;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@code cluster:*} Gogo commands. The transport, the actor system and the gossip bundle's cluster view are all
 * optional and dynamic, so that the commands answer (and say what is missing) whichever of them is running; the node
 * identity, optional and dynamic too, adds this start's uid to what {@code cluster:peers} says of the node.
 */
@Component(service = ClusterShell.class, property = {
    "osgi.command.scope=cluster",
    "osgi.command.function=peers",
    "osgi.command.function=counters",
    "osgi.command.function=members",
    "osgi.command.function=actors",
    "osgi.command.function=join",
    "osgi.command.function=leave"})
public final class ClusterShell {
    /** Set by Declarative Services (package-private so that a test can set it too). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Transport transport;

    /** Set by Declarative Services (package-private so that a test can set it too). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ActorSystem system;

    /** Set by Declarative Services (package-private so that a test can set it too). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile NodeIdentity identity;

    /** Set by Declarative Services (package-private so that a test can set it too). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Cluster cluster;

    /** Set by Declarative Services (package-private so that a test can set it too). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Placement placement;

    private ClusterCommands commands;

    @Activate
    void activate() {
        commands = new ClusterCommands(() -> transport, () -> system, () -> identity, () -> cluster,
            () -> placement);
    }

    /** @return a table of the peers the transport knows */
    @Descriptor("list the peers the transport knows: node, URL, link state, the peer's per-start id (hex),"
        + " envelopes in its outbox, sent and received since start")
    public String peers() {
        return Shell.run("cluster:peers", commands::peers, System.err);
    }

    /** @return the transport's and the actor runtime's counters */
    @Descriptor("show the counters of the transport (transport.*: rejections by reason, resends, duplicates, ...)"
        + " and of the actor runtime (registry.*: dead letters by reason, remote messages), one per line")
    public String counters() {
        return Shell.run("cluster:counters", commands::counters, System.err);
    }

    /** @return a table of the members, then whether this node is in the majority */
    @Descriptor("list the members of the cluster as this node's gossip sees them: id, status, incarnation, since"
        + " when, load score (overloaded above hamlet.gossip.overload-threshold), named actors, URL; then whether"
        + " this node is in the majority, and why")
    public String members() {
        return Shell.run("cluster:members", commands::members, System.err);
    }

    /** @return the directory of named actors, conflicts flagged */
    @Descriptor("list the named actors of every member (the directory): name, node, group; a name hosted on"
        + " several nodes is a conflict and is flagged; then the cluster actors (owner, epoch, state, replica, last"
        + " takeover or move) and, when this node may not own cluster actors, why")
    public String actors() {
        return Shell.run("cluster:actors", commands::actors, System.err);
    }

    /**
     * @param seed a member to join through
     * @return that the join was asked for
     */
    @Descriptor("join a cluster through one of its members, e.g. cluster:join 127.0.0.1:7701; returns at once")
    public String join(@Descriptor("seed: host:port, ws://host:port or ws://host:port/hamlet") final String seed) {
        return Shell.run("cluster:join", () -> commands.join(seed), System.err);
    }

    /** @return that this node is leaving */
    @Descriptor("leave the cluster gracefully: the members mark this node left at once instead of waiting to"
        + " declare it dead")
    public String leave() {
        return Shell.run("cluster:leave", commands::leave, System.err);
    }
}

package hamlet.shell.internal;

import hamlet.api.ActorSystem;
import hamlet.api.NodeIdentity;
import hamlet.api.transport.Transport;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@code cluster:*} Gogo commands. The transport and the actor system are both optional and dynamic, so that
 * the commands answer (and say what is missing) whichever of the two is running; the node identity, optional and
 * dynamic too, adds this start's uid to what {@code cluster:peers} says of the node.
 */
@Component(service = ClusterShell.class, property = {
    "osgi.command.scope=cluster",
    "osgi.command.function=peers",
    "osgi.command.function=counters"})
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

    private ClusterCommands commands;

    @Activate
    void activate() {
        commands = new ClusterCommands(() -> transport, () -> system, () -> identity);
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
}

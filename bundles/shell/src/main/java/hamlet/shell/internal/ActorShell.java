package hamlet.shell.internal;

import hamlet.api.ActorSystem;
import hamlet.api.cluster.Cluster;
import hamlet.api.trace.TraceLog;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@code actor:*} Gogo commands, wired to the node's {@link ActorSystem}, and to the gossip bundle's
 * {@link Cluster} when it runs (optional and dynamic: {@code actor:list} marks a name another node hosts too). Only
 * adapts Gogo's calling convention to {@link ActorCommands}; the Gogo annotations are optional at runtime (the bundle
 * resolves without Gogo, and then nothing calls this).
 */
@Component(service = ActorShell.class, property = {
    "osgi.command.scope=actor",
    "osgi.command.function=list",
    "osgi.command.function=spawn",
    "osgi.command.function=stop",
    "osgi.command.function=send",
    "osgi.command.function=ask",
    "osgi.command.function=deadletters",
    "osgi.command.function=trace",
    "osgi.command.function=behaviors"})
public final class ActorShell {
    private static final String ADDRESS = "address: NAME, NODE:NAME or '*:GROUP' (quoted: Gogo expands a bare *)";

    /** Set by Declarative Services (package-private so that a test can set it too). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Cluster cluster;

    /** Set by Declarative Services (package-private so that a test can set it too). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile TraceLog traceLog;

    private final ActorCommands commands;
    private final TraceCommands traces = new TraceCommands(() -> traceLog);

    /** @param system the node's actors */
    @Activate
    public ActorShell(@Reference final ActorSystem system) {
        this.commands = new ActorCommands(system, () -> cluster, ActorCommands.DEFAULT_ASK_GRACE_MS);
    }

    /** @return a table of this node's actors */
    @Descriptor("list the actors of this node: name, behaviour, group, state, mailbox, processed, restarts; a name"
        + " another node hosts too (a conflict) is marked *")
    public String list() {
        return Shell.run("actor:list", commands::list, System.err);
    }

    /** @return a table of this node's behaviours */
    @Descriptor("list the behaviours of this node: version in use, versions registered, actors, last hot swap")
    public String behaviors() {
        return Shell.run("actor:behaviors", commands::behaviors, System.err);
    }

    /**
     * @param group the group to join
     * @param placement node or cluster
     * @param behavior the behaviour's name
     * @param name the new actor's name
     * @return what was spawned
     */
    @Descriptor("spawn an actor of a behaviour, e.g. actor:spawn echo echo-1, or a cluster actor that lives once in"
        + " the cluster: actor:spawn --placement cluster job-router job-router")
    public String spawn(
        @Descriptor("group the actor joins, addressed as *:GROUP") @Parameter(names = {"-g", "--group"},
            absentValue = "") final String group,
        @Descriptor("node (the default: on this node) or cluster (one activation in the cluster, wherever placement"
            + " runs it; its bare name reaches it)") @Parameter(names = {"-p", "--placement"},
            absentValue = "node") final String placement,
        @Descriptor("behaviour name (see GET /api/node or actor:spawn with a wrong name for the list)")
        final String behavior,
        @Descriptor("actor name: letters, digits, '_' and '-'") final String name) {
        return Shell.run("actor:spawn", () -> commands.spawn(behavior, name, group, placement), System.err);
    }

    /**
     * @param name the actor's name
     * @return that it stopped
     */
    @Descriptor("stop an actor of this node; messages still in its mailbox go to dead letters")
    public String stop(@Descriptor("actor name") final String name) {
        return Shell.run("actor:stop", () -> commands.stop(name), System.err);
    }

    /**
     * @param address where to send
     * @param text the message
     * @return that it was sent
     */
    @Descriptor("send a message without waiting, e.g. actor:send echo-1 'hello' or actor:send '*:worker'"
        + " '{\"task\":\"fib\",\"n\":20}'")
    public String send(
        @Descriptor(ADDRESS) final String address,
        @Descriptor("message, quoted: a JSON object or array is sent as JSON, anything else as text")
        final String text) {
        return Shell.run("actor:send", () -> commands.send(address, text), System.err);
    }

    /**
     * @param timeout how long to wait
     * @param address where to send
     * @param text the message
     * @return the reply as JSON
     */
    @Descriptor("send a message and print the reply as JSON, e.g. actor:ask echo-1 'hi' or actor:ask -t 10s"
        + " worker-1 '{\"task\":\"fib\",\"n\":30}'")
    public String ask(
        @Descriptor("how long to wait for the reply: 500ms, 5s, 1m (default 5s)")
        @Parameter(names = {"-t", "--timeout"}, absentValue = ActorCommands.DEFAULT_ASK_TIMEOUT)
        final String timeout,
        @Descriptor(ADDRESS) final String address,
        @Descriptor("message, quoted: a JSON object or array is sent as JSON, anything else as text")
        final String text) {
        return Shell.run("actor:ask", () -> commands.ask(address, text, timeout), System.err);
    }

    /**
     * @param last how many to show
     * @return the count and the most recent dead letters
     */
    @Descriptor("show how many messages could not be delivered, and the most recent ones")
    public String deadletters(
        @Descriptor("how many of the most recent to show (default 20)")
        @Parameter(names = {"-n", "--last"}, absentValue = ActorCommands.DEFAULT_DEAD_LETTERS) final String last) {
        return Shell.run("actor:deadletters", () -> commands.deadLetters(last), System.err);
    }

    /**
     * @param id a trace id
     * @return its hops on the members that remember them, by time
     */
    @Descriptor("show the hops of one message (and what was sent while handling it) across the nodes that still "
        + "remember them, one line each by time")
    public String trace(@Descriptor("the trace id, 16 hex digits as logs and dead letters show it") final String id) {
        return Shell.run("actor:trace", () -> traces.trace(id), System.err);
    }
}

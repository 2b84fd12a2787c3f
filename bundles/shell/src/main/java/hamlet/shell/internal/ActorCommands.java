package hamlet.shell.internal;

import com.google.gson.JsonElement;
import hamlet.api.ActorInfo;
import hamlet.api.BehaviorInfo;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.ActorSystem;
import hamlet.api.Address;
import hamlet.api.AskTimeoutException;
import hamlet.api.DeadLetter;
import hamlet.api.DeadLetterException;
import hamlet.api.SpawnException;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.ClusterActorSpec;
import hamlet.api.cluster.DirectoryEntry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code actor:*} commands without Gogo: each takes the user's arguments as text and returns the lines to
 * print, or throws a {@link CommandException} whose message is the one line to show.
 *
 * <p>Threading: called from a shell session's thread. {@link #ask} blocks that thread (never an actor's) until the
 * reply, the timeout, or an interrupt.
 */
final class ActorCommands {
    /** How long {@code actor:ask} waits when no timeout is given. */
    static final String DEFAULT_ASK_TIMEOUT = "5s";
    /** Beyond the runtime's own ask timeout, how long to wait before giving up anyway (a runtime bug). */
    static final long DEFAULT_ASK_GRACE_MS = 2_000;
    /** How many dead letters {@code actor:deadletters} shows when not told. */
    static final String DEFAULT_DEAD_LETTERS = "20";

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)?");
    private static final Duration MAX_ASK_TIMEOUT = Duration.ofMinutes(10);
    private static final int MAX_CELL = 60;

    private final ActorSystem system;
    private final Supplier<Cluster> cluster;
    private final Function<ClusterActorSpec, ActorRef> clusterSpawn;
    private final long askGraceMs;

    /**
     * @param system the node's actors
     * @param askGraceMs how long past an ask's timeout to wait for the runtime before giving up anyway
     */
    ActorCommands(final ActorSystem system, final long askGraceMs) {
        this(system, () -> null, askGraceMs);
    }

    /**
     * @param system the node's actors
     * @param cluster the gossip bundle's cluster view, or a supplier of {@code null} while it is absent
     * @param askGraceMs how long past an ask's timeout to wait for the runtime before giving up anyway
     */
    ActorCommands(final ActorSystem system, final Supplier<Cluster> cluster, final long askGraceMs) {
        this(system, cluster, system::spawnInCluster, askGraceMs);
    }

    /**
     * @param system the node's actors
     * @param cluster the gossip bundle's cluster view, or a supplier of {@code null} while it is absent
     * @param clusterSpawn declares a cluster actor (the runtime's {@code spawnInCluster}; a seam for tests)
     * @param askGraceMs how long past an ask's timeout to wait for the runtime before giving up anyway
     */
    ActorCommands(final ActorSystem system, final Supplier<Cluster> cluster,
                  final Function<ClusterActorSpec, ActorRef> clusterSpawn, final long askGraceMs) {
        this.system = system;
        this.cluster = cluster;
        this.clusterSpawn = clusterSpawn;
        this.askGraceMs = askGraceMs;
    }


    /**
     * @return a table of this node's actors, then a count; an actor whose name another node hosts too (a conflict)
     *     is marked {@code *} and listed after the count with those nodes
     */
    String list() {
        final List<ActorInfo> actors = system.actors();
        if (actors.isEmpty()) {
            return "no actors on node " + system.nodeId() + "\n";
        }
        final Map<String, Set<String>> elsewhere = hostedElsewhere();
        final Table table = new Table("NAME", "BEHAVIOR", "VERSION", "GROUP", "STATE", "MAILBOX", "PROCESSED",
            "RESTARTS", "ADDRESS");
        final StringJoiner conflicts = new StringJoiner("; ", "* also hosted on another node (a conflict; see"
            + " cluster:actors): ", "\n").setEmptyValue("");
        for (final ActorInfo info : actors) {
            final Set<String> others = elsewhere.get(info.name());
            table.row(others == null ? info.name() : info.name() + " *", info.behavior(), info.behaviorVersion(),
                info.group(), info.state(), info.mailboxSize(), info.processed(), info.restarts(), info.address());
            if (others != null) {
                conflicts.add(info.name() + " on " + String.join(", ", others));
            }
        }
        return table + plural(actors.size(), "actor") + " on node " + system.nodeId() + "\n" + conflicts;
    }

    /** @return for each name the directory lists on another node, those nodes; empty without the gossip bundle */
    private Map<String, Set<String>> hostedElsewhere() {
        final Cluster now = cluster.get();
        final Map<String, Set<String>> elsewhere = new TreeMap<>();
        if (now == null) {
            return elsewhere;
        }
        final String self = now.selfId();
        for (final DirectoryEntry entry : now.directory()) {
            if (!entry.node().equals(self)) {
                elsewhere.computeIfAbsent(entry.name(), name -> new TreeSet<>()).add(entry.node());
            }
        }
        return elsewhere;
    }

    /**
     * @return a table of this node's behaviours (versions, actors, the last hot swap and its result), then the
     *     behaviour jars it refused and why
     */
    String behaviors() {
        final List<BehaviorInfo> behaviors = system.behaviorDetails();
        final String refused = rejected();
        if (behaviors.isEmpty()) {
            return "no behaviours on node " + system.nodeId() + "\n" + refused;
        }
        final Table table = new Table("NAME", "VERSION", "BUNDLE", "STATE", "VERSIONS", "ACTORS", "SUSPENDED",
            "LAST SWAP", "RESULT");
        for (final BehaviorInfo info : behaviors) {
            final BehaviorInfo.Swap swap = info.lastSwap();
            table.row(info.name(), info.version(), info.bundle(), info.state(), String.join(",", info.versions()),
                info.actors(), info.suspended(),
                swap == null ? null : shownVersion(swap.from()) + " -> " + shownVersion(swap.to()) + " at " + swap.at(),
                swap == null ? null : swap.succeeded() ? "ok, " + swap.moved() + " moved"
                    : swap.failed() + " failed, " + swap.moved() + " moved: " + swap.failure());
        }
        return table + plural(behaviors.size(), "behaviour") + " on node " + system.nodeId() + "\n" + refused;
    }

    /** @return the refused behaviour jars as a table after a blank line, or nothing when there are none */
    private String rejected() {
        final List<hamlet.api.RejectedBundle> rejected = system.rejectedBundles();
        if (rejected.isEmpty()) {
            return "";
        }
        final Table table = new Table("REFUSED JAR", "BEHAVIOR", "BUNDLE", "VERSION", "AT", "REASON");
        for (final hamlet.api.RejectedBundle jar : rejected) {
            table.row(jar.location(), jar.behavior(), jar.bundle(), jar.version(), jar.at(), jar.reason());
        }
        return "\n" + table + plural(rejected.size(), "behaviour jar") + " refused\n";
    }

    private static String shownVersion(final String version) {
        return version == null ? "(none)" : version;
    }

    /**
     * @param behavior the behaviour's name
     * @param name the new actor's name
     * @param group the group to join, or {@code null} or empty for none
     * @return one line saying what was spawned where
     */
    String spawn(final String behavior, final String name, final String group) {
        return spawn(behavior, name, group, null);
    }

    /**
     * @param behavior a behaviour name
     * @param name the actor's name
     * @param group its group, or {@code null} or empty for none
     * @param placement {@code node} (or {@code null} or empty: this node) or {@code cluster} (one activation in the
     *     cluster, wherever placement runs it)
     * @return one line saying what was spawned or declared
     */
    String spawn(final String behavior, final String name, final String group, final String placement) {
        final String command = "actor:spawn";
        final boolean inCluster = inCluster(command, placement);
        final ActorSpec spec;
        try {
            spec = new ActorSpec(name, behavior, group == null || group.isEmpty() ? null : group, null);
        } catch (final IllegalArgumentException e) {
            throw new CommandException(command, e.getMessage());
        }
        final Set<String> known = new TreeSet<>(system.behaviors());
        if (!known.contains(behavior)) {
            throw new CommandException(command, "unknown behaviour '" + behavior + "'; known: "
                + (known.isEmpty() ? "none (no behaviour bundle is running)" : String.join(", ", known)));
        }
        if (system.actor(name).isPresent()) {
            throw new CommandException(command, "actor name '" + name + "' is taken on node " + system.nodeId());
        }
        if (inCluster) {
            return spawnInCluster(command, spec);
        }
        final ActorRef ref;
        try {
            ref = system.spawn(spec);
        } catch (final SpawnException e) {
            // The behaviour's exception is shown once, however the runtime chose to word its message.
            final Throwable cause = e.getCause();
            final String message = String.valueOf(e.getMessage());
            final boolean named = cause == null || message.contains(String.valueOf(cause.getMessage()));
            throw new CommandException(command, named ? message : message + ": " + cause);
        }
        return "spawned " + name + " (" + behavior + (spec.group() == null ? "" : ", group " + spec.group())
            + ") at " + system.nodeId() + ":" + ref.address().name() + "\n";
    }

    private static boolean inCluster(final String command, final String placement) {
        if (placement == null || placement.isEmpty() || "node".equals(placement)) {
            return false;
        }
        if ("cluster".equals(placement)) {
            return true;
        }
        if ("spread".equals(placement)) {
            throw new CommandException(command, "--placement spread cannot be spawned: spread instances are declared"
                + " in config on every node that may run them (hamlet.actors.NAME { behavior = ..., placement ="
                + " spread, instances = N }); spawn one cluster actor with --placement cluster");
        }
        throw new CommandException(command, "--placement must be node (the default: this node) or cluster (one"
            + " activation in the cluster), got '" + placement + "'");
    }

    private String spawnInCluster(final String command, final ActorSpec spec) {
        try {
            clusterSpawn.apply(new ClusterActorSpec(spec, false));
        } catch (final UnsupportedOperationException e) {
            throw new CommandException(command, "node " + system.nodeId() + " cannot spawn cluster actors: "
                + e.getMessage());
        } catch (final SpawnException e) {
            throw new CommandException(command, String.valueOf(e.getMessage()));
        }
        return "declared cluster actor " + spec.name() + " (" + spec.behavior()
            + (spec.group() == null ? "" : ", group " + spec.group()) + "): placement runs it on one member;"
            + " cluster:actors shows where\n";
    }

    /**
     * @param name an actor's name
     * @return one line saying it stopped
     */
    String stop(final String name) {
        final String command = "actor:stop";
        try {
            Address.checkName("actor name", name);
        } catch (final IllegalArgumentException e) {
            throw new CommandException(command, e.getMessage());
        }
        if (!system.stop(name)) {
            throw new CommandException(command, "no actor '" + name + "' on node " + system.nodeId()
                + "; see actor:list");
        }
        return "stopped " + name + "\n";
    }

    /**
     * @param address where to send
     * @param text the message: a JSON object or array is sent as JSON, anything else as text
     * @return one line saying what was sent where
     */
    String send(final String address, final String text) {
        final String command = "actor:send";
        final Address to = parse(command, address);
        final Object body = body(command, text);
        system.ref(to).tell(body);
        return "sent to " + to + (body instanceof JsonElement ? " as JSON" : " as text") + "\n";
    }

    /**
     * Sends and waits for the reply, blocking this shell session.
     *
     * @param address where to send
     * @param text the message, as for {@link #send}
     * @param timeout how long to wait: {@code 500ms}, {@code 5s}, {@code 1m}, or milliseconds
     * @return the reply as JSON, on one line
     */
    String ask(final String address, final String text, final String timeout) {
        final String command = "actor:ask";
        final Duration wait = duration(command, timeout);
        final Address to = parse(command, address);
        final Object body = body(command, text);
        final CompletableFuture<Object> reply = new CompletableFuture<>();
        system.ref(to).ask(body, wait).whenComplete((value, failure) -> {
            if (failure == null) {
                reply.complete(value);
            } else {
                reply.completeExceptionally(failure);
            }
        });
        try {
            return Bodies.toJsonText(reply.get(wait.toMillis() + askGraceMs, TimeUnit.MILLISECONDS)) + "\n";
        } catch (final TimeoutException e) {
            throw new CommandException(command, "no reply from " + to + " within " + wait.toMillis() + " ms");
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException(command, "interrupted while waiting for the reply from " + to);
        } catch (final ExecutionException e) {
            throw new CommandException(command, askFailure(to, wait, e.getCause()));
        }
    }

    /**
     * @param last how many of the most recent to show
     * @return the dead-letter count, then a table of the most recent, oldest first
     */
    String deadLetters(final String last) {
        final String command = "actor:deadletters";
        final int limit;
        try {
            limit = Integer.parseInt(last.strip());
        } catch (final NumberFormatException e) {
            throw new CommandException(command, "-n must be a whole number, got '" + last + "'");
        }
        if (limit < 1) {
            throw new CommandException(command, "-n must be at least 1, got " + limit);
        }
        final long count = system.deadLetterCount();
        final List<DeadLetter> recent = system.deadLetters();
        if (count == 0 && recent.isEmpty()) {
            return "no dead letters on node " + system.nodeId() + "\n";
        }
        final List<DeadLetter> shown = recent.subList(Math.max(0, recent.size() - limit), recent.size());
        final Table table = new Table("AT", "REASON", "TO", "FROM", "TRACE", "DETAIL", "BODY");
        for (final DeadLetter letter : shown) {
            table.row(letter.at(), letter.reason(), letter.to(), letter.from(),
                letter.traceId() == 0 ? null : hamlet.api.trace.TraceHop.hex(letter.traceId()), cell(letter.detail()),
                cell(Bodies.toJsonText(letter.body())));
        }
        return plural(count, "dead letter") + " on node " + system.nodeId() + " since start; the last "
            + shown.size() + ":\n" + table;
    }

    private static String askFailure(final Address to, final Duration wait, final Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
            && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof AskTimeoutException) {
            return cause.getMessage() != null ? cause.getMessage()
                : "no reply from " + to + " within " + wait.toMillis() + " ms";
        }
        if (cause instanceof DeadLetterException) {
            return cause.getMessage();
        }
        return "ask of " + to + " failed: " + cause;
    }

    private static Address parse(final String command, final String address) {
        try {
            return Address.parse(address);
        } catch (final IllegalArgumentException e) {
            throw new CommandException(command, e.getMessage());
        }
    }

    private static Object body(final String command, final String text) {
        if (text == null || text.isEmpty()) {
            throw new CommandException(command, "the message TEXT is empty; quote it: " + command
                + " ADDRESS 'hello' or '{\"task\":\"stats\"}'");
        }
        return Bodies.fromText(text);
    }

    /**
     * @param command the command, for the error
     * @param text {@code 500ms}, {@code 5s}, {@code 1m}, or a number of milliseconds
     * @return the duration, from 1 ms to 10 minutes
     */
    static Duration duration(final String command, final String text) {
        final Matcher matcher = DURATION.matcher(text == null ? "" : text.strip());
        if (!matcher.matches()) {
            throw new CommandException(command, "timeout '" + text + "' must be like 500ms, 5s or 1m");
        }
        final long amount = Long.parseLong(matcher.group(1));
        final String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
        final Duration duration = "m".equals(unit) ? Duration.ofMinutes(amount)
            : "s".equals(unit) ? Duration.ofSeconds(amount) : Duration.ofMillis(amount);
        if (duration.isZero() || duration.compareTo(MAX_ASK_TIMEOUT) > 0) {
            throw new CommandException(command, "timeout '" + text + "' must be from 1ms to 10m");
        }
        return duration;
    }

    private static String cell(final String text) {
        if (text == null) {
            return null;
        }
        final String oneLine = text.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() <= MAX_CELL ? oneLine : oneLine.substring(0, MAX_CELL - 3) + "...";
    }

    private static String plural(final long count, final String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}

package hamlet.example.jobrouter;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hamlet.api.Actor;
import hamlet.api.ActorContext;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.DeadLetter;
import hamlet.api.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Takes jobs, hands each to the worker of its group with the fewest jobs in flight from this router, and sends the
 * worker's reply back to the job's submitter.
 *
 * <pre>
 * a job, e.g. {"task":"fib","n":10}  -&gt; the worker's reply, e.g. {"worker":"w1","task":"fib","result":55,"done":3}
 * {"task":"stats"}                   -&gt; {"router":"r1","routed":N,"completed":N,"workers":{"w1":N,...}}
 * a job when the group is empty      -&gt; {"router":"r1","error":"no workers in group worker"}
 * </pre>
 *
 * <p><b>Workers.</b> The local actors of the group, plus the workers listed in the spec's config key
 * {@code workers}, which may live on other nodes: the router cannot list another node's actors, so it is told them.
 * A listed worker is an address on a node ({@code "node2:worker-a-1"}) or the bare name of a cluster actor
 * ({@code "worker-1"}, declared with placement cluster or spread), which reaches it wherever it runs now; a local
 * member of the group that is also listed is used once, by its listed name. A listed worker that is gone answers
 * with a {@link DeadLetter}, which fails that one job (see below).
 *
 * <p>In stats, {@code routed} counts jobs handed to workers, {@code completed} the worker replies passed back, and
 * {@code workers} the jobs handed to each worker (a worker not used yet shows 0), local ones by name, listed ones by
 * their address.
 *
 * <p><b>Matching replies to jobs.</b> The router sends the worker a copy of the job whose {@code "id"} is the
 * router's own job number, with the router as sender; a worker puts the {@code "id"} of a job into its reply (see the
 * worker example). A body with a {@code "worker"} field is therefore taken as a worker's reply and looked up by that
 * id; a reply to an id the router does not know (a router restarted since) is logged and dropped. The submitter's
 * own {@code "id"}, if it gave one, is put back before the reply goes on, so the submitter gets exactly what the
 * worker would have replied to it, sent with the worker as sender, as if it had asked the worker directly.
 *
 * <p><b>Lost jobs.</b> A job a worker cannot take (it stopped, its mailbox was full) comes back as a
 * {@link DeadLetter}: the submitter gets an error and the worker's slot is freed. A job a worker takes but never
 * answers stays in flight: the example has no timers; the submitter's ask times out.
 *
 * <p><b>State carried over.</b> {@link #snapshot()} keeps the counters (routed, completed, per worker) and the next
 * job number, so a router recreated elsewhere (a cluster actor taken over by another node, or a hot swap) goes on
 * counting, and a late worker reply to a job of the old instance cannot be matched to a new job. Jobs in flight are
 * not carried: their submitters are refs of the old instance's turn, which a new instance cannot rebuild, so their
 * asks time out, and a late reply to one is dropped as a reply to an unknown id.
 *
 * <p>All state is the actor's own, touched only on its turn, so it needs no locks.
 */
final class JobRouterActor implements Actor {
    private final String name;
    private final String group;
    /** Workers named by address in the config, maybe on other nodes. */
    private final List<String> listed;
    /** Jobs sent to a worker and not yet answered, by the router's job number. */
    private final Map<Long, InFlight> inFlight = new HashMap<>();
    /** Per worker ever used, by name; sorted so that stats read well. */
    private final Map<String, Load> loads = new TreeMap<>();
    private long nextId = 1;
    private long routed;
    private long completed;

    JobRouterActor(final String name, final String group) {
        this(name, group, List.of());
    }

    JobRouterActor(final String name, final String group, final List<String> listed) {
        this.name = name;
        this.group = group;
        this.listed = List.copyOf(listed);
    }

    @Override
    public void onMessage(final Message message, final ActorContext context) {
        if (message.body() instanceof DeadLetter undelivered) {
            onUndelivered(undelivered, context);
            return;
        }
        final JsonObject body = asObject(message);
        if (body == null) {
            replyError(context, null, "a job must be a JSON object like {\"task\":\"fib\",\"n\":10}, got "
                    + (message.body() == null ? "nothing" : message.body().getClass().getSimpleName()));
        } else if (body.has("worker")) {
            onResult(body, message.sender(), context);
        } else if (isStats(body)) {
            replyStats(context, body.get("id"));
        } else {
            route(body, context);
        }
    }

    /** Tells every submitter still waiting, so that none waits for a reply this instance can no longer match. */
    @Override
    public void onStop(final ActorContext context) {
        for (final InFlight job : inFlight.values()) {
            tellSubmitter(job, error(job.submitterId(), "router " + name + " stopped before worker "
                    + job.worker() + " replied"), context.self());
        }
        inFlight.clear();
    }

    private void route(final JsonObject job, final ActorContext context) {
        final Target worker = leastLoaded(context);
        if (worker == null) {
            replyError(context, job.get("id"), "no workers in group " + group);
            return;
        }
        final long id = nextId++;
        // A copy: the body we got may be shared with its sender, and must be treated as read-only.
        final JsonObject forwarded = job.deepCopy();
        forwarded.addProperty("id", id);
        inFlight.put(id, new InFlight(context.sender(), job.get("id"), worker.key(), forwarded));
        final Load load = loads.computeIfAbsent(worker.key(), k -> new Load());
        load.inFlight++;
        load.routed++;
        routed++;
        context.tell(worker.address(), forwarded);
    }

    /**
     * Asks the system on every job, so that workers spawned or stopped since are seen at once. Fine for an example;
     * a router for thousands of workers would keep the group's members in a field and refresh it now and then.
     */
    private Target leastLoaded(final ActorContext context) {
        Target best = null;
        Load bestLoad = null;
        for (final Target candidate : candidates(context)) {
            final Load load = loads.getOrDefault(candidate.key(), Load.NONE);
            if (best == null || load.isLighterThan(bestLoad)) {
                best = candidate;
                bestLoad = load;
            }
        }
        return best;
    }

    /** @return the local members of the group that run and are not listed, then the listed workers */
    private List<Target> candidates(final ActorContext context) {
        final List<Target> candidates = new ArrayList<>();
        for (final ActorInfo actor : context.system().actors()) {
            if (group.equals(actor.group()) && actor.state() != ActorInfo.State.STOPPED
                    && !actor.name().equals(name) && !listed.contains(actor.name())) {
                candidates.add(new Target(actor.name(), actor.address().toString()));
            }
        }
        for (final String address : listed) {
            candidates.add(new Target(address, address));
        }
        return candidates;
    }

    /**
     * @return the counters and the next job number:
     *     {@code {"nextId":N,"routed":N,"completed":N,"workers":{"worker-1":N,...}}}
     */
    @Override
    public JsonElement snapshot() {
        final JsonObject workers = new JsonObject();
        loads.forEach((worker, load) -> workers.addProperty(worker, load.routed));
        final JsonObject state = new JsonObject();
        state.addProperty("nextId", nextId);
        state.addProperty("routed", routed);
        state.addProperty("completed", completed);
        state.add("workers", workers);
        return state;
    }

    /** Takes back what {@link #snapshot()} gave; none of it in flight. A state of another shape is refused. */
    @Override
    public void restore(final JsonElement state) {
        try {
            final JsonObject saved = state.getAsJsonObject();
            final long savedNextId = saved.get("nextId").getAsLong();
            final long savedRouted = saved.get("routed").getAsLong();
            final long savedCompleted = saved.get("completed").getAsLong();
            final Map<String, Load> savedLoads = new TreeMap<>();
            for (final Map.Entry<String, JsonElement> worker : saved.getAsJsonObject("workers").entrySet()) {
                final Load load = new Load();
                load.routed = worker.getValue().getAsLong();
                savedLoads.put(worker.getKey(), load);
            }
            nextId = savedNextId;
            routed = savedRouted;
            completed = savedCompleted;
            loads.clear();
            loads.putAll(savedLoads);
        } catch (final RuntimeException e) {
            throw new IllegalArgumentException("router " + name + ": not a state of a job-router: " + state, e);
        }
    }

    private void onResult(final JsonObject reply, final ActorRef worker, final ActorContext context) {
        final Long id = routerId(reply);
        final InFlight job = id == null ? null : inFlight.remove(id);
        if (job == null) {
            context.log().warn("[{}] {}: dropped a worker reply to an unknown job id: {}",
                    context.system().nodeId(), name, reply);
            return;
        }
        release(job.worker());
        completed++;
        final JsonObject result = reply.deepCopy();
        if (job.submitterId() == null) {
            result.remove("id");
        } else {
            result.add("id", job.submitterId());
        }
        tellSubmitter(job, result, worker == null ? context.self() : worker);
    }

    private void onUndelivered(final DeadLetter undelivered, final ActorContext context) {
        final Long id = undelivered.body() instanceof JsonObject body ? routerId(body) : null;
        final InFlight job = id == null ? null : inFlight.get(id);
        // Compare the whole job: a lost reply of ours to a submitter may carry a number that is also a job id.
        if (job == null || !job.forwarded().equals(undelivered.body())) {
            context.log().debug("[{}] {}: not delivered to {}: {}", context.system().nodeId(), name,
                    undelivered.to(), undelivered.reason());
            return;
        }
        inFlight.remove(id);
        release(job.worker());
        tellSubmitter(job, error(job.submitterId(), "worker " + job.worker() + " did not take the job: "
                + undelivered.reason() + " (" + undelivered.detail() + ")"), context.self());
    }

    private void replyStats(final ActorContext context, final JsonElement submitterId) {
        final Map<String, Long> perWorker = new TreeMap<>();
        loads.forEach((worker, load) -> perWorker.put(worker, load.routed));
        for (final Target candidate : candidates(context)) {
            perWorker.putIfAbsent(candidate.key(), 0L);
        }
        final JsonObject workers = new JsonObject();
        perWorker.forEach(workers::addProperty);
        final JsonObject stats = new JsonObject();
        stats.addProperty("router", name);
        if (submitterId != null) {
            stats.add("id", submitterId);
        }
        stats.addProperty("routed", routed);
        stats.addProperty("completed", completed);
        stats.add("workers", workers);
        reply(context, stats);
    }

    private void replyError(final ActorContext context, final JsonElement submitterId, final String what) {
        reply(context, error(submitterId, what));
    }

    private JsonObject error(final JsonElement submitterId, final String what) {
        final JsonObject error = new JsonObject();
        error.addProperty("router", name);
        if (submitterId != null) {
            error.add("id", submitterId);
        }
        error.addProperty("error", what);
        return error;
    }

    private void reply(final ActorContext context, final JsonObject body) {
        if (context.sender() == null) {
            // Sent with tell and no sender: nobody to tell, and a reply would only be a dead letter.
            context.log().debug("[{}] {}: no sender for {}", context.system().nodeId(), name, body);
            return;
        }
        context.reply(body);
    }

    private static void tellSubmitter(final InFlight job, final JsonObject body, final ActorRef from) {
        if (job.submitter() != null) {
            job.submitter().tell(body, from);
        }
    }

    private void release(final String worker) {
        loads.get(worker).inFlight--;
    }

    private static JsonObject asObject(final Message message) {
        try {
            return message.body(JsonObject.class);
        } catch (final RuntimeException notAnObject) {
            return null;
        }
    }

    private static boolean isStats(final JsonObject body) {
        final JsonElement task = body.get("task");
        return task != null && task.isJsonPrimitive() && "stats".equals(task.getAsString());
    }

    /** @return the router's job number in a worker's reply, or {@code null} when there is none */
    private static Long routerId(final JsonObject body) {
        final JsonElement id = body.get("id");
        if (id == null || !id.isJsonPrimitive() || !id.getAsJsonPrimitive().isNumber()) {
            return null;
        }
        return id.getAsLong();
    }

    /**
     * One job out at a worker.
     *
     * @param submitter who to send the result to, or {@code null} when the job came with no sender
     * @param submitterId the submitter's own {@code "id"}, or {@code null}
     * @param worker the worker's name
     * @param forwarded the copy sent to the worker, carrying the router's id
     */
    private record InFlight(ActorRef submitter, JsonElement submitterId, String worker, JsonObject forwarded) {
    }

    /**
     * A worker a job can go to.
     *
     * @param key how loads and stats name it: a local worker's name, a listed worker's address
     * @param address where to send
     */
    private record Target(String key, String address) {
    }

    /** What this router has given one worker. */
    private static final class Load {
        /** The load of a worker never used; never stored in {@code loads}, so never changed. */
        static final Load NONE = new Load();

        int inFlight;
        long routed;

        /** Fewest in flight first; on a tie, fewest ever routed, so that fast workers still share the jobs. */
        boolean isLighterThan(final Load other) {
            return inFlight < other.inFlight || (inFlight == other.inFlight && routed < other.routed);
        }
    }
}

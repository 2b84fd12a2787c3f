package hamlet.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The client half of {@code bin/hamlet demo}, for the three nodes the script started: waits until each node's gossip
 * knows all three alive (each was given only node1 as its seed); waits until placement runs the cluster actors that
 * the demo confs declare on every node (the {@code job-router}, one in the cluster, and the workers
 * {@code worker-1..6}, spread over the nodes) and says where each runs; waits until node1 reaches them by their bare
 * names; submits a batch of jobs to {@code job-router} through node1, printing each result (which worker, on which
 * node) and the totals; then says what to try: a job of your own, and the failover (stop the node that runs the
 * router, with the exact kill command, and see another node run it with its counters).
 *
 * <p>Usage: {@code ClusterDemo --admin URL1,URL2,URL3 [--jobs N] [--wait SECONDS] [--logs DIR] [--launcher PATH]}.
 * Exit codes: 0 all jobs done; 1 some job failed; 2 bad arguments; 3 a node did not come up or link, or the
 * cluster actors were not placed or reached.
 */
public final class ClusterDemo {
    private static final String USAGE = "usage: ClusterDemo --admin URL1,URL2,URL3 [--jobs N] [--wait SECONDS]"
        + " [--logs DIR] [--launcher PATH]";
    private static final int IN_FLIGHT = 8;
    private static final String ROUTER = "job-router";
    private static final String WORKER = "worker";

    private final List<AdminClient> nodes;
    private final int jobs;
    private final int waitSeconds;
    private final String logs;
    private final String launcher;
    private final PrintStream out;
    /** Where placement ran the cluster actors, as node1 saw it once they were all active. */
    private Placements placed = Placements.of(null);

    ClusterDemo(final List<URI> admins, final int jobs, final int waitSeconds, final String logs,
                final String launcher, final PrintStream out) {
        this.nodes = admins.stream().map(AdminClient::new).toList();
        this.jobs = jobs;
        this.waitSeconds = waitSeconds;
        this.logs = logs;
        this.launcher = launcher;
        this.out = out;
    }

    public static void main(final String[] args) throws InterruptedException {
        final List<URI> admins = new ArrayList<>();
        int jobs = 30;
        int wait = 60;
        String logs = null;
        String launcher = null;
        try {
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                final String value = args[i + 1];
                switch (args[i]) {
                    case "--admin" -> {
                        for (final String url : value.split(",")) {
                            admins.add(URI.create(url));
                        }
                    }
                    case "--jobs" -> jobs = Integer.parseInt(value);
                    case "--wait" -> wait = Integer.parseInt(value);
                    case "--logs" -> logs = value;
                    case "--launcher" -> launcher = value;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (admins.size() != 3 || jobs <= 0 || wait <= 0) {
                throw new IllegalArgumentException("three admin URLs and positive --jobs and --wait are needed");
            }
        } catch (final IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        System.exit(new ClusterDemo(admins, jobs, wait, logs, launcher, System.out).run());
    }

    int run() throws InterruptedException {
        try {
            for (int i = 0; i < nodes.size(); i++) {
                awaitNode(i);
            }
            for (int i = 0; i < nodes.size(); i++) {
                awaitMembers(i);
            }
            awaitPlaced();
            awaitReachable(ROUTER);
            for (final String worker : placed.named(WORKER)) {
                awaitReachable(worker);
            }
            out.printf("demo: node1 reaches %s and the %d workers by their bare names%n", ROUTER,
                placed.named(WORKER).size());
        } catch (final IOException | IllegalStateException e) {
            System.err.println("demo: " + e.getMessage());
            return 3;
        }
        final boolean allDone = runJobs(Jobs.make(jobs));
        printRouterStats();
        printNextSteps();
        return allDone ? 0 : 1;
    }

    private void awaitNode(final int index) throws InterruptedException {
        awaitGet(index, "/api/node", "come up", r -> r.status() == 200
            && Json.at(r.json(), "behaviors") instanceof List<?> behaviors
            && behaviors.contains("worker") && behaviors.contains("job-router")
            ? String.format("demo: node %s is up (admin %s)", Json.at(r.json(), "id"), nodes.get(index).base())
            : null);
    }

    /**
     * Polls GET {@code path} on a node every 200 ms until {@code done} gives the line to print, or --wait passes.
     *
     * @param done the line to print once the reply shows what was awaited, else null
     * @throws IllegalStateException naming {@code what} and the last reply, when --wait passes
     */
    private void awaitGet(final int index, final String path, final String what,
                          final Function<AdminClient.Response, String> done) throws InterruptedException {
        final AdminClient node = nodes.get(index);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        String last = "no answer yet";
        while (System.nanoTime() - deadline < 0) {
            try {
                final AdminClient.Response r = node.get(path);
                final String line = done.apply(r);
                if (line != null) {
                    out.println(line);
                    return;
                }
                last = r.status() + " " + r.body();
            } catch (final IOException e) {
                last = e.toString();
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException("node" + (index + 1) + " did not " + what + " within " + waitSeconds
            + " s (" + last + ")");
    }

    /**
     * Waits until node1's placement shows every cluster actor of the demo confs active on an owner, and says where
     * each runs: placement, not the demo, chose the nodes (rendezvous hashing over the three members).
     */
    private void awaitPlaced() throws InterruptedException {
        awaitGet(0, "/api/cluster/actors", "see " + ROUTER + " and the workers placed", r -> {
            final Placements now = Placements.of(r.json());
            if (r.status() != 200 || !now.allActive(ROUTER, WORKER)) {
                return null;
            }
            placed = now;
            final Placements.Placed router = now.get(ROUTER);
            final StringBuilder workers = new StringBuilder();
            now.byOwner(WORKER).forEach((node, names) -> workers.append(workers.length() == 0 ? "" : "; ")
                .append(node).append(": ").append(String.join(", ", names)));
            return String.format("demo: placement runs %s on %s (epoch %d; its state is copied to %s, which takes it"
                + " over if %s dies)%ndemo: and the workers, spread over the nodes, on %s", ROUTER, router.owner(),
                router.epoch(), router.replica(), router.owner(), workers);
        });
    }

    /**
     * Waits until a node's gossip sees all three nodes alive, and says so: each node was given only node1 as its
     * seed, so this is the nodes finding each other.
     */
    private void awaitMembers(final int index) throws InterruptedException {
        awaitGet(index, "/api/cluster/members", "see the three nodes alive", r -> {
            if (r.status() != 200 || !(Json.at(r.json(), "members") instanceof List<?> members)) {
                return null;
            }
            final List<String> alive = new ArrayList<>();
            for (final Object m : members) {
                if ("alive".equals(Json.at(m, "status"))) {
                    alive.add(String.valueOf(Json.at(m, "id")));
                }
            }
            return alive.size() == nodes.size() ? String.format("demo: node%d knows %s alive (learnt by gossip from"
                + " the one seed, node1)", index + 1, String.join(", ", alive)) : null;
        });
    }

    /**
     * Asks a cluster actor for its stats from node1, by its bare name, until it answers: then node1 routes to it and
     * the link to its node is up.
     */
    private void awaitReachable(final String actor) throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        AdminClient.Response last = null;
        while (System.nanoTime() - deadline < 0) {
            last = nodes.get(0).post("/api/ask", Map.of("to", actor, "body", Map.of("task", "stats"),
                "timeoutMs", 2000));
            if (last.status() == 200) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException("node1 cannot reach " + actor + " within " + waitSeconds + " s: "
            + (last == null ? "no answer" : last.status() + " " + last.body()));
    }

    private boolean runJobs(final List<Jobs.Job> batch) throws InterruptedException {
        out.printf("demo: submitting %d jobs to %s through node1 (%d in flight); the router, on %s, hands them to"
            + " the workers%n", batch.size(), ROUTER, IN_FLIGHT, placed.get(ROUTER).owner());
        final long t0 = System.nanoTime();
        final Semaphore slots = new Semaphore(IN_FLIGHT);
        final Map<String, Integer> perWorker = new TreeMap<>();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final List<CompletableFuture<Void>> all = new ArrayList<>();
        for (final Jobs.Job job : batch) {
            slots.acquire();
            all.add(nodes.get(0).postAsync("/api/ask", Map.of("to", ROUTER, "body", job.body())).handle((r, e) -> {
                final JobOutcome outcome = JobOutcome.of(r, e);
                synchronized (perWorker) {
                    final int n = finished.incrementAndGet();
                    if (outcome.ok()) {
                        perWorker.merge(outcome.worker(), 1, Integer::sum);
                    } else {
                        failed.incrementAndGet();
                    }
                    out.println(outcome.line(n, batch.size(), job));
                }
                slots.release();
                return null;
            }));
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).join();
        final Map<String, Integer> perNode = new TreeMap<>();
        perWorker.forEach((worker, n) -> perNode.merge(ownerOf(worker), n, Integer::sum));
        out.printf("demo: %d of %d jobs done in %.2f s; per node: %s; per worker: %s%n", batch.size() - failed.get(),
            batch.size(), (System.nanoTime() - t0) / 1e9, perNode, perWorker);
        return failed.get() == 0;
    }

    private String ownerOf(final String worker) {
        final Placements.Placed where = placed.get(worker);
        return where == null || where.owner() == null ? "unknown" : where.owner();
    }

    private void printRouterStats() throws InterruptedException {
        try {
            final AdminClient.Response r = nodes.get(0).post("/api/ask",
                Map.of("to", ROUTER, "body", Map.of("task", "stats")));
            out.println("demo: router stats: " + Json.write(Json.at(r.json(), "reply")));
        } catch (final IOException e) {
            out.println("demo: no router stats: " + e.getMessage());
        }
    }

    private void printNextSteps() {
        final String node1 = nodes.get(0).base().toString();
        out.println();
        out.println("What to try next (the three nodes keep running; Ctrl-C here stops all three):");
        out.println("  # the live dashboard, in a browser: members, load, throughput and latency per node, the cluster");
        out.println("  # actors and their owners, dead letters and takeovers (any node's admin port shows the same)");
        out.println("  " + dashboard());
        out.println("  # a job through the router, sent from node1 to its bare name; the reply names the worker");
        out.println("  curl -s -X POST " + node1 + "/api/ask -d '{\"to\":\"job-router\",\"body\":{\"task\":\"fib\","
            + "\"n\":42}}'");
        out.println("  # straight to a worker, from node1, by its bare name: placement says where it runs");
        out.println("  curl -s -X POST " + node1 + "/api/ask -d '{\"to\":\"worker-1\",\"body\":{\"task\":"
            + "\"words\",\"text\":\"to be or not to be\"}}'");
        out.println("  # the cluster as node1 sees it: members, status, load; where each cluster actor runs, its");
        out.println("  # epoch and its replica");
        out.println("  curl -s " + node1 + "/api/cluster/members");
        out.println("  curl -s " + node1 + "/api/cluster/actors");
        printFailover();
        out.println("  # an actor nobody has on node2: the ask gets the DeadLetter back from node2 (404)");
        out.println("  curl -s -X POST " + node1 + "/api/ask -d '{\"to\":\"node2:nobody\",\"body\":\"hello?\"}'");
        out.println("  curl -s " + nodes.get(1).base() + "/api/deadletters");
        if (launcher != null) {
            out.println("  # a node of your own with the Gogo shell, outside the cluster (actor:spawn, actor:ask)");
            out.println("  " + launcher + " node -Dhamlet.admin.port=7790 -Dhamlet.node.port=7710");
        }
        if (logs != null) {
            out.println("  # the nodes' logs");
            out.println("  tail -f " + logs + "/demo-node1.log " + logs + "/demo-node2.log " + logs
                + "/demo-node3.log");
        }
    }

    /**
     * The failover to try: stop the router's node as a crash would, then see its replica run it (with its counters)
     * and ask it through the third node.
     */
    private void printFailover() {
        final Placements.Placed router = placed.get(ROUTER);
        final int owner = indexOf(router.owner());
        if (owner < 0) {
            return;
        }
        final int replica = indexOf(router.replica()) >= 0 && indexOf(router.replica()) != owner
            ? indexOf(router.replica()) : (owner + 1) % nodes.size();
        // Three nodes, indices 0, 1 and 2: the third is what the other two leave.
        final int other = 3 - owner - replica;
        final String ownerId = router.owner();
        final List<String> itsWorkers = placed.byOwner(WORKER).getOrDefault(ownerId, List.of());
        out.printf("  # failover: stop %s, which runs %s%s, as a crash would%n", ownerId, ROUTER,
            itsWorkers.isEmpty() ? "" : " and " + String.join(", ", itsWorkers));
        out.println("  " + killCommand(owner));
        out.printf("  # (on the dashboard: %s turns suspect, then dead, and the takeovers appear among the events)%n",
            ownerId);
        out.printf("  # within about 2 s %s, its replica, runs %s again (owner %s, epoch %d, lastChange takeover),%n",
            nodeId(replica), ROUTER, nodeId(replica), router.epoch() + 1);
        out.printf("  # and each actor that ran on %s runs again on %s or %s, with the state it had%n", ownerId,
            nodeId(replica), nodeId(other));
        out.println("  curl -s " + nodes.get(replica).base() + "/api/cluster/actors");
        out.printf("  # and it answers through %s; its stats go on counting from the jobs above%n", nodeId(other));
        out.println("  curl -s -X POST " + nodes.get(other).base() + "/api/ask -d '{\"to\":\"job-router\",\"body\":"
            + "{\"task\":\"stats\"}}'");
        out.println("  curl -s -X POST " + nodes.get(other).base() + "/api/ask -d '{\"to\":\"job-router\",\"body\":"
            + "{\"task\":\"fib\",\"n\":42}}'");
    }

    /** @return the dashboard's address: node1's admin port, path {@code /} */
    private String dashboard() {
        final String base = nodes.get(0).base().toString();
        return base.endsWith("/") ? base : base + "/";
    }

    /** @return the index of a node's admin client by its id (node1 is 0), or -1 */
    private int indexOf(final String nodeId) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodeId(i).equals(nodeId)) {
                return i;
            }
        }
        return -1;
    }

    /** The demo's nodes are node1..3, in the order of --admin. */
    private static String nodeId(final int index) {
        return "node" + (index + 1);
    }

    /**
     * @return {@code kill -9 PID} for the node's process: a sibling of this one (both are children of bin/hamlet),
     *     found by its --conf; else the command that reads the script's pid file
     */
    private String killCommand(final int index) {
        final String conf = "demo-" + nodeId(index) + ".conf";
        final Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        final Optional<ProcessHandle> node = parent.flatMap(p -> p.children()
            .filter(child -> child.info().arguments().map(args -> Arrays.stream(args)
                .anyMatch(arg -> arg.endsWith("/" + conf))).orElse(false))
            .findFirst());
        if (node.isPresent()) {
            return "kill -9 " + node.get().pid();
        }
        if (launcher != null) {
            final Path home = Path.of(launcher).toAbsolutePath().getParent().getParent();
            return "kill -9 $(cat " + home.resolve("data/demo-" + nodeId(index) + "/node.pid") + ")";
        }
        return "kill -9 <the pid of " + nodeId(index) + "'s java process>";
    }
}

package hamlet.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The client half of {@code bin/hamlet demo}, for the three nodes the script started: waits until each node's gossip
 * knows all three alive (each was given only node1 as its seed); spawns workers {@code worker-a-*} on node2 and {@code worker-b-*} on node3, and on node1 a job-router told those workers by
 * address; waits until node1 reaches every worker across the transport; submits a batch of jobs to the router on
 * node1, printing each result (which worker, on which node) and the totals; then says how to send a job yourself.
 *
 * <p>Usage: {@code ClusterDemo --admin URL1,URL2,URL3 [--jobs N] [--wait SECONDS] [--logs DIR] [--launcher PATH]}.
 * Exit codes: 0 all jobs done; 1 some job failed; 2 bad arguments; 3 a node did not come up or link.
 */
public final class ClusterDemo {
    private static final String USAGE = "usage: ClusterDemo --admin URL1,URL2,URL3 [--jobs N] [--wait SECONDS]"
        + " [--logs DIR] [--launcher PATH]";
    private static final int WORKERS_PER_NODE = 3;
    private static final int IN_FLIGHT = 8;
    private static final String ROUTER = "job-router";

    private final List<AdminClient> nodes;
    private final int jobs;
    private final int waitSeconds;
    private final String logs;
    private final String launcher;
    private final PrintStream out;

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
            final List<String> workers = new ArrayList<>();
            for (int w = 1; w <= WORKERS_PER_NODE; w++) {
                workers.add(spawn(1, "worker", "worker-a-" + w, null));
                workers.add(spawn(2, "worker", "worker-b-" + w, null));
            }
            final Map<String, Object> config = new LinkedHashMap<>();
            config.put("workers", workers);
            spawn(0, "job-router", ROUTER, config);
            for (final String worker : workers) {
                awaitReachable(worker);
            }
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

    /** @return the actor's full address */
    private String spawn(final int index, final String behavior, final String name, final Map<String, Object> config)
        throws IOException, InterruptedException {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("behavior", behavior);
        body.put("name", name);
        if (config != null) {
            body.put("config", config);
        }
        final AdminClient.Response r = nodes.get(index).post("/api/actors", body);
        final String address = "node" + (index + 1) + ":" + name;
        if (r.status() == 201) {
            out.printf("demo: spawned %-24s (%s)%n", address, behavior);
        } else if (r.status() == 409) {
            out.printf("demo: %-24s is already there%n", address);
        } else {
            throw new IllegalStateException("cannot spawn " + address + ": " + r.status() + " " + r.body());
        }
        return address;
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

    /** Asks a worker for its stats from node1 until it answers: then the link node1 to its node is up. */
    private void awaitReachable(final String worker) throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        AdminClient.Response last = null;
        while (System.nanoTime() - deadline < 0) {
            last = nodes.get(0).post("/api/ask", Map.of("to", worker, "body", Map.of("task", "stats"),
                "timeoutMs", 2000));
            if (last.status() == 200) {
                out.printf("demo: node1 reaches %s%n", worker);
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException("node1 cannot reach " + worker + " within " + waitSeconds + " s: "
            + (last == null ? "no answer" : last.status() + " " + last.body()));
    }

    private boolean runJobs(final List<Jobs.Job> batch) throws InterruptedException {
        out.printf("demo: submitting %d jobs to node1:%s, which hands them to node2 and node3 (%d in flight)%n",
            batch.size(), ROUTER, IN_FLIGHT);
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
        perWorker.forEach((worker, n) -> perNode.merge(worker.startsWith("worker-a-") ? "node2" : "node3", n,
            Integer::sum));
        out.printf("demo: %d of %d jobs done in %.2f s; per node: %s; per worker: %s%n", batch.size() - failed.get(),
            batch.size(), (System.nanoTime() - t0) / 1e9, perNode, perWorker);
        return failed.get() == 0;
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
        out.println("  # a job through the router on node1; the reply names the worker (on node2 or node3)");
        out.println("  curl -s -X POST " + node1 + "/api/ask -d '{\"to\":\"job-router\",\"body\":{\"task\":\"fib\","
            + "\"n\":42}}'");
        out.println("  # straight to a worker on node3, from node1, by its bare name: gossip says where it lives");
        out.println("  curl -s -X POST " + node1 + "/api/ask -d '{\"to\":\"worker-b-1\",\"body\":{\"task\":"
            + "\"words\",\"text\":\"to be or not to be\"}}'");
        out.println("  # the cluster as node1 sees it: members, status, load; and the directory of actors");
        out.println("  curl -s " + node1 + "/api/cluster/members");
        out.println("  curl -s " + node1 + "/api/cluster/actors");
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
}

package hamlet.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client half of {@code bin/hamlet demo}: waits for the node the script started, spawns four workers and a
 * job-router through the admin API, runs a visible batch of jobs through the router, and prints what to try next.
 *
 * <p>Exit codes: 0 all jobs done; 1 some job failed; 2 bad arguments; 3 the node did not come up.
 */
public final class DemoClient {
    static final int EXIT_JOBS_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_NODE_DOWN = 3;

    private static final List<String> WORKERS = List.of("worker-1", "worker-2", "worker-3", "worker-4");
    private static final String ROUTER = "job-router";
    private static final int IN_FLIGHT = 8;

    private final DemoOptions options;
    private final AdminClient admin;
    private final PrintStream out;

    DemoClient(final DemoOptions options, final PrintStream out) {
        this.options = options;
        this.admin = new AdminClient(options.admin());
        this.out = out;
    }

    public static void main(final String[] args) throws InterruptedException {
        final DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (final IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(EXIT_USAGE);
            return;
        }
        System.exit(new DemoClient(options, System.out).run());
    }

    int run() throws InterruptedException {
        final Optional<Map<?, ?>> node = awaitNode();
        if (node.isEmpty()) {
            return EXIT_NODE_DOWN;
        }
        out.printf("demo: node %s is up, admin API at %s%n", Json.at(node.get(), "id"), admin.base());
        try {
            for (final String worker : WORKERS) {
                spawn("worker", worker, "worker");
            }
            spawn("job-router", ROUTER, null);
        } catch (final IOException | IllegalStateException e) {
            System.err.println("demo: " + e.getMessage());
            return EXIT_JOBS_FAILED;
        }
        final boolean allDone = runJobs(Jobs.make(options.jobs()));
        printRouterStats();
        printNextSteps(String.valueOf(Json.at(node.get(), "id")));
        return allDone ? 0 : EXIT_JOBS_FAILED;
    }

    /** Polls GET /api/node until the node answers and has the example behaviours, the node dies, or time is up. */
    private Optional<Map<?, ?>> awaitNode() throws InterruptedException {
        out.printf("demo: waiting for the node at %s (up to %d s)%n", admin.base(), options.waitSeconds());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.waitSeconds());
        String last = "no answer yet";
        while (System.nanoTime() - deadline < 0) {
            if (options.nodePid() > 0 && !ProcessHandle.of(options.nodePid()).map(ProcessHandle::isAlive)
                .orElse(false)) {
                System.err.println("demo: the node process (pid " + options.nodePid() + ") has exited");
                return Optional.empty();
            }
            try {
                final AdminClient.Response r = admin.get("/api/node");
                if (r.status() == 200 && r.json() instanceof Map<?, ?> node) {
                    final Object behaviors = node.get("behaviors");
                    if (behaviors instanceof List<?> list && list.contains("worker") && list.contains("job-router")) {
                        return Optional.of(node);
                    }
                    last = "behaviours so far: " + behaviors;
                } else {
                    last = "GET /api/node answered " + r.status() + " " + r.body();
                }
            } catch (final IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        System.err.println("demo: the node did not come up within " + options.waitSeconds() + " s (" + last + ")");
        return Optional.empty();
    }

    private void spawn(final String behavior, final String name, final String group)
        throws IOException, InterruptedException {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("behavior", behavior);
        body.put("name", name);
        if (group != null) {
            body.put("group", group);
        }
        final AdminClient.Response r = admin.post("/api/actors", body);
        if (r.status() == 201) {
            out.printf("demo: spawned %-10s (%s%s)%n", name, behavior, group == null ? "" : ", group " + group);
        } else if (r.status() == 409) {
            out.printf("demo: %-10s is already there%n", name);
        } else {
            throw new IllegalStateException("cannot spawn " + name + ": " + r.status() + " " + r.body());
        }
    }

    /** Submits every job through the router, at most IN_FLIGHT at a time, printing a line per reply. */
    private boolean runJobs(final List<Jobs.Job> jobs) throws InterruptedException {
        out.printf("demo: submitting %d jobs to %s (%d in flight at most)%n", jobs.size(), ROUTER, IN_FLIGHT);
        final long t0 = System.nanoTime();
        final Semaphore slots = new Semaphore(IN_FLIGHT);
        final Map<String, Integer> perWorker = new TreeMap<>();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final List<CompletableFuture<Void>> all = new ArrayList<>();
        for (final Jobs.Job job : jobs) {
            slots.acquire();
            final Map<String, Object> ask = new LinkedHashMap<>();
            ask.put("to", ROUTER);
            ask.put("body", job.body());
            all.add(admin.postAsync("/api/ask", ask).handle((r, e) -> {
                final JobOutcome outcome = JobOutcome.of(r, e);
                synchronized (perWorker) {
                    final int n = finished.incrementAndGet();
                    if (outcome.ok()) {
                        perWorker.merge(outcome.worker(), 1, Integer::sum);
                    } else {
                        failed.incrementAndGet();
                    }
                    out.println(outcome.line(n, jobs.size(), job));
                }
                slots.release();
                return null;
            }));
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).join();
        final StringBuilder totals = new StringBuilder();
        perWorker.forEach((w, n) -> totals.append(totals.length() == 0 ? "" : ", ").append(w).append(' ').append(n));
        out.printf("demo: %d of %d jobs done in %.2f s; per worker: %s%n", jobs.size() - failed.get(), jobs.size(),
            (System.nanoTime() - t0) / 1e9, totals.length() == 0 ? "none" : totals);
        return failed.get() == 0;
    }

    private void printRouterStats() throws InterruptedException {
        try {
            final AdminClient.Response r = admin.post("/api/ask",
                Map.of("to", ROUTER, "body", Map.of("task", "stats")));
            out.println("demo: router stats: " + Json.write(Json.at(r.json(), "reply")));
        } catch (final IOException e) {
            out.println("demo: no router stats: " + e.getMessage());
        }
    }

    private void printNextSteps(final String nodeId) {
        final String api = admin.base().toString();
        final String post = "  curl -s -X POST " + api;
        out.println();
        out.println("What to try next (the node keeps running; Ctrl-C here stops it):");
        out.println("  # spawn an echo actor, ask it, and get the body back");
        out.println(post + "/api/actors -d '{\"behavior\":\"echo\",\"name\":\"echo\"}'");
        out.println(post + "/api/ask -d '{\"to\":\"echo\",\"body\":\"hello\"}'");
        out.println("  # a message for a name nobody has becomes a dead letter (an ask of it gets 404)");
        out.println(post + "/api/send -d '{\"to\":\"" + nodeId + ":nobody\",\"body\":\"hello?\"}'");
        out.println("  curl -s " + api + "/api/deadletters");
        out.println("  # more jobs, the actors, and the config in force");
        out.println(post + "/api/ask -d '{\"to\":\"job-router\",\"body\":{\"task\":\"fib\",\"n\":42}}'");
        out.println("  curl -s " + api + "/api/actors");
        out.println("  curl -s " + api + "/api/config");
        if (options.conf() != null) {
            out.println("  # edit " + options.conf() + " (e.g. hamlet.registry.dead-letters.keep = 50):");
            out.println("  # a valid edit applies within 2 s, a broken one shows in GET /api/config as lastRejection");
        }
        if (options.log() != null) {
            out.println("  # the node's log");
            out.println("  tail -f " + options.log());
        }
        if (options.launcher() != null) {
            out.println("  # a node of your own, with the Gogo shell (try: actor:spawn echo e1, actor:ask e1 hi,");
            out.println("  # actor:list, actor:deadletters, config:show; Ctrl-D or felix:stop 0 leaves)");
            out.println("  " + options.launcher() + " node -Dhamlet.admin.port=7781");
        }
    }
}

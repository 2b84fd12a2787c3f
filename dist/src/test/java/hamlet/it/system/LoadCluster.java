package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Real nodes on loopback that run the load behaviours ({@code sender}, {@code recorder}): the distribution's
 * bench/hamlet-example-load.jar is copied into each node's deploy/, and the actors are declared in each node's
 * {@code hamlet.actors}, so a restarted node spawns them again by itself. Node i dials every node j &gt; i. Used by
 * one test thread.
 */
final class LoadCluster implements AutoCloseable {
    private final Path home;
    private final Path dir;
    private final int[] transportPorts;
    private final int[] adminPorts;
    private final String actors;
    private final List<NodeProcess> nodes = new ArrayList<>();

    private LoadCluster(final Path home, final Path dir, final int count, final String actors) throws IOException {
        this.home = home;
        this.dir = dir;
        this.actors = actors;
        this.transportPorts = new int[count];
        this.adminPorts = new int[count];
        for (int i = 0; i < count; i++) {
            transportPorts[i] = NodeProcess.freePort();
            adminPorts[i] = NodeProcess.freePort();
        }
    }

    /** @return whether the distribution has what these tests need (the transport and the load bundle) */
    static boolean available() {
        final Path home = NodeProcess.distribution();
        return Files.exists(home.resolve("bundles/3/hamlet-transport-jetty.jar"))
            && Files.exists(home.resolve("bench/hamlet-example-load.jar"));
    }

    /**
     * Starts the nodes and waits until each runs its declared actors.
     *
     * @param count how many nodes
     * @param actors the body of each node's {@code hamlet.actors} block (HOCON)
     */
    static LoadCluster start(final int count, final String actors) throws IOException, InterruptedException {
        final LoadCluster cluster = new LoadCluster(NodeProcess.distribution(),
            Files.createTempDirectory("hamlet-load-"), count, actors);
        try {
            for (int i = 1; i <= count; i++) {
                cluster.nodes.add(cluster.launch(i));
            }
            for (int i = 1; i <= count; i++) {
                cluster.awaitActors(i);
            }
        } catch (final IOException | InterruptedException | RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    NodeProcess node(final int number) {
        return nodes.get(number - 1);
    }

    int size() {
        return nodes.size();
    }

    /** Kills a node with SIGKILL (no shutdown hook runs) and waits until it is gone. */
    void kill(final int number) throws InterruptedException {
        final Process process = node(number).process();
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts a node again with the same config, ports, data and deploy folders; waits for its actors. */
    NodeProcess restart(final int number) throws IOException, InterruptedException {
        final NodeProcess again = launch(number);
        nodes.set(number - 1, again);
        awaitActors(number);
        return again;
    }

    /** Asks from a node until the answer is a 200 (the link to the target's node may not be up yet). */
    JsonObject awaitAsk(final int from, final String to, final String body) throws InterruptedException {
        final NodeProcess.Reply[] last = new NodeProcess.Reply[1];
        node(from).await("an answer from " + to, () -> {
            try {
                last[0] = ask(from, to, body);
                return last[0].status() == 200;
            } catch (final IOException e) {
                return false;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, () -> last[0] == null ? "no answer" : last[0].status() + " " + last[0].body());
        return last[0].at("reply").getAsJsonObject();
    }

    /** Asks once, and insists on a 200. */
    JsonObject ask200(final int from, final String to, final String body) throws IOException, InterruptedException {
        final NodeProcess.Reply reply = ask(from, to, body);
        assertEquals(200, reply.status(), reply.body());
        final JsonElement answer = reply.at("reply");
        if (answer.isJsonObject() && answer.getAsJsonObject().has("error")) {
            throw new AssertionError(to + " refused " + body + ": " + answer);
        }
        return answer.getAsJsonObject();
    }

    private NodeProcess.Reply ask(final int from, final String to, final String body)
        throws IOException, InterruptedException {
        final JsonObject request = new JsonObject();
        request.addProperty("to", to);
        request.add("body", JsonParser.parseString(body));
        request.addProperty("timeoutMs", 5000);
        return node(from).post("/api/ask", request.toString());
    }

    /** Polls a recorder from its own node until the condition holds of its stats; returns them. */
    JsonObject awaitStats(final int node, final String recorder, final String what,
                          final java.util.function.Predicate<JsonObject> condition) throws InterruptedException {
        final JsonObject[] last = new JsonObject[1];
        node(node).await(what, () -> {
            try {
                last[0] = ask200(node, recorder, "{\"task\":\"stats\"}");
                return condition.test(last[0]);
            } catch (final IOException e) {
                return false;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, () -> last[0] == null ? "no stats" : withoutHistograms(last[0]));
        return last[0];
    }

    /** Stats without their Base64 histograms, for messages. */
    static String withoutHistograms(final JsonObject stats) {
        final JsonObject copy = stats.deepCopy();
        copy.remove("latency");
        copy.remove("rtt");
        return copy.toString();
    }

    /** Every node's output, for a failure message. */
    String dump() {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            out.append("==== node").append(i + 1).append(" ====\n").append(nodes.get(i).dump()).append('\n');
        }
        return out.toString();
    }

    @Override
    public void close() {
        nodes.forEach(NodeProcess::close);
    }

    private NodeProcess launch(final int number) throws IOException {
        final Path nodeDir = Files.createDirectories(dir.resolve("node" + number));
        final Path deploy = Files.createDirectories(nodeDir.resolve("deploy"));
        final Path jar = deploy.resolve("hamlet-example-load.jar");
        if (!Files.exists(jar)) {
            Files.copy(home.resolve("bench/hamlet-example-load.jar"), jar);
        }
        final StringBuilder seeds = new StringBuilder();
        for (int j = number + 1; j <= transportPorts.length; j++) {
            seeds.append(seeds.length() == 0 ? "" : ", ").append("\"ws://127.0.0.1:").append(transportPorts[j - 1])
                .append("/hamlet\"");
        }
        final Path conf = nodeDir.resolve("node.conf");
        Files.writeString(conf, "hamlet {\n"
            + "  node { id = node" + number + ", host = \"127.0.0.1\", port = " + transportPorts[number - 1] + " }\n"
            + "  admin { host = \"127.0.0.1\", port = " + adminPorts[number - 1] + " }\n"
            + "  cluster.seeds = [" + seeds + "]\n"
            + "  actors {\n" + actors + "\n  }\n"
            + "}\n");
        // Each run's output apart: a restarted node must not overwrite what the killed one said.
        final Path logs = Files.createDirectories(nodeDir.resolve("run-" + System.nanoTime()));
        return NodeProcess.start(home, adminPorts[number - 1], logs, "--conf", conf.toString(),
            "--data", nodeDir.resolve("data").toString(), "--deploy", deploy.toString());
    }

    private void awaitActors(final int number) throws InterruptedException {
        node(number).awaitGet("/api/actors", "node" + number + "'s declared load actors",
            r -> r.status() == 200 && r.body().contains("\"recorder") && r.body().contains("\"sender"));
    }
}

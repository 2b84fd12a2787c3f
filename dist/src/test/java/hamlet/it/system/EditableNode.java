package hamlet.it.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * One real node whose {@code node.conf} the test writes key by key ({@code hamlet.x.y = <JSON value>} lines, HOCON
 * reads JSON), so that it can start it, edit its config live one key at a time and wait until the node applied the
 * edit, kill it and start it again with the same config, data and deploy folders. The load bundle is in its
 * deploy/ when asked for. Used by one test thread.
 */
final class EditableNode implements AutoCloseable {
    private final Path home;
    private final String id;
    private final Path dir;
    private final int adminPort;
    private final Map<String, String> keys = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String actors = "";
    private NodeProcess process;

    /**
     * @param root a folder for this test's nodes
     * @param id the node id
     * @param host hamlet.node.host
     * @param port hamlet.node.port
     * @param withLoad whether to put the load bundle (sender, recorder) into its deploy/
     */
    EditableNode(final Path root, final String id, final String host, final int port, final boolean withLoad)
        throws IOException {
        this.home = NodeProcess.distribution();
        this.id = id;
        this.dir = Files.createDirectories(root.resolve(id));
        this.adminPort = NodeProcess.freePort();
        final Path deploy = Files.createDirectories(dir.resolve("deploy"));
        if (withLoad) {
            final Path jar = home.resolve("bench/hamlet-example-load.jar");
            if (!Files.exists(jar)) {
                throw new AssertionError("the distribution has no load bundle (" + jar + "): this test needs its"
                    + " sender and recorder behaviours");
            }
            Files.copy(jar, deploy.resolve("hamlet-example-load.jar"));
        }
        if (!Files.exists(home.resolve("bundles/3/hamlet-transport-jetty.jar"))) {
            throw new AssertionError("the distribution has no transport (bundles/3/hamlet-transport-jetty.jar)");
        }
        set("hamlet.node.id", json(id));
        set("hamlet.node.host", json(host));
        set("hamlet.node.port", Integer.toString(port));
        set("hamlet.admin.host", json("127.0.0.1"));
        set("hamlet.admin.port", Integer.toString(adminPort));
    }

    /** @return a HOCON/JSON string literal */
    static String json(final String text) {
        return new com.google.gson.JsonPrimitive(text).toString();
    }

    String id() {
        return id;
    }

    Path dir() {
        return dir;
    }

    Path conf() {
        return dir.resolve("node.conf");
    }

    /** Sets a key for the next write of the file (a JSON value: "\"8MiB\"", "5", "[\"a\"]"). */
    EditableNode set(final String key, final String jsonValue) {
        keys.put(key, jsonValue);
        return this;
    }

    /** @param hocon the body of hamlet.actors */
    EditableNode actors(final String hocon) {
        this.actors = hocon;
        return this;
    }

    /** An environment variable of the node's process (e.g. HAMLET_JAVA_OPTS). */
    EditableNode env(final String name, final String value) {
        env.put(name, value);
        return this;
    }

    NodeProcess process() {
        return process;
    }

    /** Writes node.conf and starts the node (again, after a kill: same ports, data and deploy). */
    NodeProcess start() throws IOException {
        writeConf();
        final Path logs = Files.createDirectories(dir.resolve("run-" + System.nanoTime()));
        process = NodeProcess.start(home, adminPort, logs, env, "--conf", conf().toString(),
            "--data", dir.resolve("data").toString(), "--deploy", dir.resolve("deploy").toString());
        return process;
    }

    /** Kills the node with SIGKILL and waits until it is gone. */
    void kill() throws InterruptedException {
        process.process().destroyForcibly();
        process.process().waitFor();
    }

    /** Waits until the node runs an actor of each of these names. */
    void awaitActors(final String... names) throws InterruptedException {
        process.awaitGet("/api/actors", id + "'s actors " + String.join(", ", names), r -> {
            if (r.status() != 200) {
                return false;
            }
            for (final String name : names) {
                if (!r.body().contains("\"name\":\"" + name + "\"")) {
                    return false;
                }
            }
            return true;
        });
    }

    /**
     * Edits one key in the running node's config file and waits until the node applied it: GET /api/config
     * shows one more applied edit and the new value, and no refusal since.
     */
    void edit(final String key, final String jsonValue) throws IOException, InterruptedException {
        final NodeProcess.Reply before = process.get("/api/config");
        final long applied = before.at("appliedCount").getAsLong();
        final long rejected = before.at("rejectedCount").getAsLong();
        set(key, jsonValue);
        writeConf();
        final JsonElement expected = JsonParser.parseString(jsonValue);
        process.awaitGet("/api/config", id + " applied " + key + " = " + jsonValue, r -> {
            if (r.status() != 200) {
                return false;
            }
            if (r.at("rejectedCount").getAsLong() != rejected) {
                throw new AssertionError(id + " refused the edit " + key + " = " + jsonValue + ": "
                    + r.at("lastRejection"));
            }
            return r.at("appliedCount").getAsLong() > applied && expected.equals(configValue(r, key));
        });
    }

    /** @return a key's value in the config in force, as GET /api/config shows it, or null */
    static JsonElement configValue(final NodeProcess.Reply config, final String key) {
        return config.at(("config." + key).split("\\."));
    }

    /** @return this node's view of a peer (GET /api/transport), or null when it lists none of that id */
    static JsonObject peer(final NodeProcess node, final String peerId) throws IOException, InterruptedException {
        final NodeProcess.Reply r = node.get("/api/transport");
        if (r.status() != 200 || r.at("peers") == null) {
            throw new AssertionError("GET /api/transport: " + r.status() + " " + r.body());
        }
        for (final JsonElement p : r.at("peers").getAsJsonArray()) {
            final JsonElement node2 = p.getAsJsonObject().get("node");
            if (node2 != null && !node2.isJsonNull() && peerId.equals(node2.getAsString())) {
                return p.getAsJsonObject();
            }
        }
        return null;
    }

    /** @return whether this node's link to the peer is UP */
    static boolean up(final NodeProcess node, final String peerId) throws IOException, InterruptedException {
        final JsonObject p = peer(node, peerId);
        return p != null && "UP".equals(p.get("state").getAsString());
    }

    /** {@link #up} for a polled condition: a node that does not answer (yet) is not up. */
    static boolean isUp(final NodeProcess node, final String peerId) {
        try {
            return up(node, peerId);
        } catch (final IOException e) {
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return a counter of GET /api/transport, 0 when absent */
    static long transportCounter(final NodeProcess node, final String name) throws IOException, InterruptedException {
        final JsonElement c = node.get("/api/transport").at("counters", name);
        return c == null || c.isJsonNull() ? 0 : c.getAsLong();
    }

    /** @return a counter of GET /api/node (the registry's), 0 when absent */
    static long nodeCounter(final NodeProcess node, final String name) throws IOException, InterruptedException {
        final JsonElement c = node.get("/api/node").at("counters", name);
        return c == null || c.isJsonNull() ? 0 : c.getAsLong();
    }

    /** Asks once: the reply. */
    static NodeProcess.Reply ask(final NodeProcess node, final String to, final String jsonBody, final long timeoutMs)
        throws IOException, InterruptedException {
        final JsonObject request = new JsonObject();
        request.addProperty("to", to);
        request.add("body", JsonParser.parseString(jsonBody));
        request.addProperty("timeoutMs", timeoutMs);
        return node.post("/api/ask", request.toString());
    }

    /** Asks and insists on a 200 whose reply is no error: the reply. */
    static JsonObject ask200(final NodeProcess node, final String to, final String jsonBody)
        throws IOException, InterruptedException {
        final NodeProcess.Reply r = ask(node, to, jsonBody, 5000);
        if (r.status() != 200 || !r.at("reply").isJsonObject() || r.at("reply").getAsJsonObject().has("error")) {
            throw new AssertionError("ask " + to + " " + jsonBody + ": " + r.status() + " " + r.body());
        }
        return r.at("reply").getAsJsonObject();
    }

    String dump() {
        return process == null ? "(not started)" : process.dump();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    private void writeConf() throws IOException {
        final StringBuilder conf = new StringBuilder("# written by a system test; edited live, one key at a time\n");
        keys.forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
        conf.append("hamlet.actors {\n").append(actors).append("\n}\n");
        Files.writeString(conf(), conf.toString());
    }
}

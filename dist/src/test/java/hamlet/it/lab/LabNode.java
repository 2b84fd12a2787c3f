package hamlet.it.lab;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hamlet.it.system.NodeProcess;

/**
 * One real node of the built distribution run inside lab host N ({@code ip netns exec hamlet-lab-N bin/hamlet node
 * ...}): id {@code nodeN}, transport on 10.77.0.N:7701, admin API on 10.77.1.N:7780 (the management network, which
 * faults do not touch), seeds the one node1, and the counter example (or the examples a test names) in its deploy/.
 * Used by one test thread.
 */
final class LabNode implements AutoCloseable {
    static final int TRANSPORT_PORT = 7701;
    static final int ADMIN_PORT = 7780;
    /** The lab nodes' admin API listens on the management network, off loopback, so it needs a token. */
    static final String ADMIN_TOKEN = "lab-" + Long.toHexString(new java.security.SecureRandom().nextLong());
    /** Small JVMs: five of them share two cores with the test. */
    private static final String JAVA_OPTS = "-Xms64m -Xmx256m -XX:+UseSerialGC";
    /** The gossip bundle's log line for a dead verdict (EventNotifier). */
    private static final Pattern DEAD_VERDICT = Pattern.compile("\\] cluster: member node\\d+ dead: ");

    private final int host;
    private final Path dir;
    private final Path home;
    /** GET /api/node lists it once the node is ready. */
    private final String readyBehavior;
    private NodeProcess process;
    private long startedNanos;
    /** Written by whichever thread polled last. */
    private volatile String lastMembersReply = "(not asked yet)";

    LabNode(final Path root, final int host) throws IOException {
        this(root, host, "", List.of("hamlet-example-counter-v1.jar"), "counter");
    }

    /**
     * @param extraConf lines to add inside {@code hamlet { }} of the node's config, e.g. its actors
     * @param examples  the jars of the distribution's examples/ to put into its deploy/
     * @param behavior  the behaviour whose presence in GET /api/node says the node is ready
     */
    LabNode(final Path root, final int host, final String extraConf, final List<String> examples,
            final String behavior) throws IOException {
        this.host = host;
        this.home = NodeProcess.distribution();
        this.readyBehavior = behavior;
        this.dir = Files.createDirectories(root.resolve(id()));
        final Path deploy = Files.createDirectories(dir.resolve("deploy"));
        for (final String jar : examples) {
            final Path example = home.resolve("examples").resolve(jar);
            if (!Files.exists(example)) {
                throw new AssertionError("the distribution has no such example (" + example + ")");
            }
            Files.copy(example, deploy.resolve(example.getFileName()));
        }
        Files.writeString(dir.resolve("node.conf"), "# written by a lab test\n"
            + "hamlet {\n"
            + "  node { id = " + id() + ", host = \"" + Lab.dataAddress(host) + "\", port = " + TRANSPORT_PORT
            + " }\n"
            // Off loopback (the management network), so the API takes a bearer token.
            + "  admin { host = \"" + Lab.adminAddress(host) + "\", port = " + ADMIN_PORT + ", token = \""
            + ADMIN_TOKEN + "\" }\n"
            + "  cluster.seeds = [\"" + Lab.dataAddress(1) + ":" + TRANSPORT_PORT + "\"]\n"
            + extraConf
            + "}\n");
    }

    int host() {
        return host;
    }

    String id() {
        return "node" + host;
    }

    NodeProcess process() {
        return process;
    }

    long startedNanos() {
        return startedNanos;
    }

    void start() throws IOException {
        final Path logs = Files.createDirectories(dir.resolve("run-" + System.nanoTime()));
        final Map<String, String> env = new LinkedHashMap<>();
        env.put("HAMLET_JAVA_OPTS", JAVA_OPTS);
        startedNanos = System.nanoTime();
        process = NodeProcess.startIn(Lab.inHost(host),
            URI.create("http://" + Lab.adminAddress(host) + ":" + ADMIN_PORT), home, logs, env,
            "--conf", dir.resolve("node.conf").toString(), "--data", dir.resolve("data").toString(),
            "--deploy", dir.resolve("deploy").toString()).token(ADMIN_TOKEN);
    }

    boolean alive() {
        return process != null && process.process().isAlive();
    }

    /** @return GET /api/node once it answers 200 with its behaviour (by default the counter) loaded, else null */
    JsonObject nodeIfReady() {
        try {
            final NodeProcess.Reply r = process.get("/api/node");
            if (r.status() == 200 && r.json() != null && r.json().isJsonObject()
                && r.at("behaviors") != null && r.at("behaviors").toString().contains(readyBehavior)) {
                return r.json().getAsJsonObject();
            }
            return null;
        } catch (final IOException e) {
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** @return this node's membership view (GET /api/cluster/members), or null when it does not answer 200 */
    View view() {
        try {
            final NodeProcess.Reply r = process.get("/api/cluster/members");
            lastMembersReply = r.status() + " " + r.body();
            return r.status() == 200 && r.json() != null && r.json().isJsonObject()
                ? View.of(r.json().getAsJsonObject()) : null;
        } catch (final IOException e) {
            lastMembersReply = e.toString();
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The last answer of GET /api/cluster/members, for a failure message. */
    String lastMembersReply() {
        return lastMembersReply;
    }

    /**
     * Every dead verdict this node logged so far, in order: its gossip logs one line per member event ("[node2]
     * cluster: member node4 dead: declared dead by node5"), even one that a poll of the view would miss because
     * the member came back within milliseconds. An empty list before the node started.
     */
    List<String> deadVerdicts() {
        if (process == null) {
            return List.of();
        }
        return process.dump().lines().filter(line -> DEAD_VERDICT.matcher(line).find()).toList();
    }

    /** The last lines of the node's output, for a failure message. */
    String tail(final int lines) {
        if (process == null) {
            return id() + ": not started";
        }
        // The admin API logs each refused request: the polls of a view that does not answer yet would fill it.
        final List<String> all = process.dump().lines()
            .filter(line -> !line.contains("admin GET /api/cluster/members")).toList();
        return "---- " + id() + " (pid " + process.pid() + ", alive " + alive() + "), last " + lines + " of "
            + all.size() + " lines (without the admin API's lines on GET /api/cluster/members) ----\n"
            + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    /** One member as a node sees it. */
    record Member(String id, String status, long incarnation, String uid) {
    }

    /** A node's view of the cluster: self, majority, and each member by id. */
    record View(String self, boolean majority, String majorityDetail, Map<String, Member> members) {
        static View of(final JsonObject json) {
            final Map<String, Member> members = new LinkedHashMap<>();
            final JsonElement list = json.get("members");
            if (list != null && list.isJsonArray()) {
                for (final JsonElement e : list.getAsJsonArray()) {
                    final JsonObject m = e.getAsJsonObject();
                    members.put(text(m, "id"), new Member(text(m, "id"), text(m, "status").toLowerCase(),
                        m.has("incarnation") && !m.get("incarnation").isJsonNull()
                            ? m.get("incarnation").getAsLong() : -1, text(m, "uid")));
                }
            }
            final JsonElement majority = json.get("majority");
            return new View(text(json, "self"), majority != null && !majority.isJsonNull()
                && majority.getAsBoolean(), text(json, "majorityDetail"), members);
        }

        /** @return the member's status ("alive", "suspect", ...) or "absent" */
        String status(final String id) {
            final Member m = members.get(id);
            return m == null ? "absent" : m.status();
        }

        /** @return whether these members, and only they, are all alive */
        boolean allAlive(final List<String> ids) {
            return members.size() == ids.size() && ids.stream().allMatch(id -> "alive".equals(status(id)));
        }

        /** id:status, ... */
        String brief() {
            final StringBuilder b = new StringBuilder(self + " sees");
            members.values().forEach(m -> b.append(' ').append(m.id()).append(':').append(m.status())
                .append('/').append(m.incarnation()));
            return b.append(", majority ").append(majority).append(" (").append(majorityDetail).append(')')
                .toString();
        }

        private static String text(final JsonObject o, final String key) {
            final JsonElement e = o.get(key);
            return e == null || e.isJsonNull() ? "" : e.getAsString();
        }
    }
}

package hamlet.it.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real nodes of the distribution on loopback, each seeded with the ones after it (node1 dials node2 and node3, node2
 * dials node3), for the system tests that want a plain cluster. The node list fills as the nodes start, so that a
 * test's {@link NodeOutputOnFailure} shows the output of those that did when a later one does not come up.
 *
 * <p>Threading: the test's thread.
 */
public final class LoopbackCluster implements AutoCloseable {
    private final String name;
    private final int size;
    private final int[] transportPorts;
    private final int[] adminPorts;
    private final List<NodeProcess> nodes = new ArrayList<>();

    /**
     * Nothing runs until {@link #start}.
     *
     * @param name a word for the temporary directory
     * @param size how many nodes
     */
    public LoopbackCluster(final String name, final int size) {
        this.name = name;
        this.size = size;
        this.transportPorts = new int[size];
        this.adminPorts = new int[size];
    }

    /**
     * Picks free ports, starts every node, then waits until each one's gossip shows them all alive.
     *
     * @return this
     */
    public LoopbackCluster start() throws IOException, InterruptedException {
        final Path home = NodeProcess.distribution();
        final Path dir = Files.createTempDirectory("hamlet-" + name + "-");
        for (int i = 0; i < size; i++) {
            transportPorts[i] = NodeProcess.freePort();
            adminPorts[i] = NodeProcess.freePort();
        }
        for (int i = 0; i < size; i++) {
            final StringBuilder seeds = new StringBuilder();
            for (int j = i + 1; j < size; j++) {
                seeds.append(seeds.length() == 0 ? "" : ", ").append("\"ws://127.0.0.1:").append(transportPorts[j])
                    .append("/hamlet\"");
            }
            final Path nodeDir = Files.createDirectories(dir.resolve("node" + (i + 1)));
            final Path conf = nodeDir.resolve("node.conf");
            Files.writeString(conf, "hamlet {\n"
                + "  node { id = node" + (i + 1) + ", host = \"127.0.0.1\", port = " + transportPorts[i] + " }\n"
                + "  admin { host = \"127.0.0.1\", port = " + adminPorts[i] + " }\n"
                + "  cluster.seeds = [" + seeds + "]\n"
                + "}\n");
            nodes.add(NodeProcess.start(home, adminPorts[i], nodeDir, "--conf", conf.toString(),
                "--data", nodeDir.resolve("data").toString(), "--deploy", nodeDir.resolve("deploy").toString()));
        }
        for (final NodeProcess node : nodes) {
            node.awaitGet("/api/cluster/members", size + " alive members", r -> r.status() == 200
                && r.body().split("\"status\":\"alive\"", -1).length - 1 == size);
        }
        return this;
    }

    /** @return the nodes started so far, node1 first */
    public List<NodeProcess> nodes() {
        return nodes;
    }

    /**
     * @param number 1 for node1
     * @return that node
     */
    public NodeProcess node(final int number) {
        return nodes.get(number - 1);
    }

    /**
     * @param number 1 for node1
     * @return that node's transport port (once started)
     */
    public int transportPort(final int number) {
        return transportPorts[number - 1];
    }

    @Override
    public void close() {
        nodes.forEach(NodeProcess::close);
    }
}

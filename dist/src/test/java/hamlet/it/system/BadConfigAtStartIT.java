package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A conf file that the node refuses at start stops it with the one line an operator needs and exit code 2: the
 * file, the line, the key and what is wrong, no stack trace. Before, a bad seed was pushed to the transport, whose
 * activation failed with a long trace ending in "Service factory returned null".
 */
class BadConfigAtStartIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "cluster.seeds = [\"ftp://x\"]   | hamlet.cluster.seeds entry 'ftp://x' is not a peer address; write "
            + "ws://host:port, host:port or ws://host:port/hamlet (an IPv6 address in brackets, [::1]:7701; wss://"
            + " instead of ws:// with hamlet.tls.enabled)",
        "transport.retry-max = 0         | hamlet.transport.retry-max must be between 1 and 1000, got 0",
        "registry.dispatcher { throughput = = 3 } | syntax error: ",
    })
    void shouldExit2WithOneLineNamingFileLineAndKey(final String line4, final String what) throws Exception {
        final int port = NodeProcess.freePort();
        final Path conf = dir.resolve("node.conf");
        Files.writeString(conf, "# a node whose line 4 is wrong\nhamlet {\n  node.id = bad1\n  " + line4
            + "\n  admin.port = " + port + "\n}\n", StandardCharsets.UTF_8);

        try (NodeProcess node = NodeProcess.start(NodeProcess.distribution(), port, dir, "--conf", conf.toString(),
            "--data", dir.resolve("data").toString(), "--deploy", dir.resolve("deploy").toString())) {
            assertTrue(node.process().waitFor(NodeProcess.DEADLINE.toSeconds(), TimeUnit.SECONDS),
                "the node must exit by itself\n" + node.dump());

            assertEquals(2, node.process().exitValue(), node.dump());
            final List<String> lines = node.stderr().lines().toList();
            assertEquals(1, lines.size(), node.dump());
            assertTrue(lines.get(0).startsWith("hamlet: config refused at start: " + conf + ":4: " + what),
                node.dump());
            assertFalse(node.stderr().contains("\tat ") || node.stderr().contains("Exception"), node.dump());
            assertFalse(node.stdout().contains("node ready"), node.dump());
        }
    }
}

package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A behaviour bundle dropped into deploy/ is installed and started on the running node, and removing it takes its
 * behaviour away; a jar that is not a bundle is refused without harming the node.
 */
class DeployFolderIT {
    @TempDir
    Path dir;

    @Test
    void shouldInstallAndUninstallABehaviourBundleDroppedIntoDeploy() throws Exception {
        // A distribution without echo among its system bundles: echo will come through deploy/.
        final Path home = NodeProcess.copyOf(NodeProcess.distribution(), dir.resolve("hamlet"));
        final Path echo = dir.resolve("hamlet-example-echo.jar");
        Files.move(home.resolve("bundles/3/hamlet-example-echo.jar"), echo);
        final Path deploy = Files.createDirectories(dir.resolve("deploy"));
        final int port = NodeProcess.freePort();

        try (NodeProcess node = NodeProcess.start(home, port, dir, "--no-shell", "--data",
            dir.resolve("data").toString(), "--deploy", deploy.toString(), "-Dhamlet.admin.port=" + port)) {
            node.awaitGet("/api/node", "the node is up without echo", r -> r.status() == 200
                && r.at("behaviors").toString().contains("\"worker\"")
                && !r.at("behaviors").toString().contains("\"echo\""));

            Files.writeString(deploy.resolve("not-a-bundle.jar"), "these bytes are no zip", StandardCharsets.UTF_8);
            Files.copy(echo, deploy.resolve("hamlet-example-echo.jar"));
            node.awaitGet("/api/node", "echo is installed from deploy/",
                r -> r.status() == 200 && r.at("behaviors").toString().contains("\"echo\""));
            assertEquals(201, node.post("/api/actors", "{\"behavior\":\"echo\",\"name\":\"e\"}").status());
            assertEquals("hi", node.post("/api/ask", "{\"to\":\"e\",\"body\":\"hi\"}").at("reply").getAsString());

            Files.delete(deploy.resolve("hamlet-example-echo.jar"));
            node.awaitGet("/api/node", "echo is gone once its jar is removed",
                r -> r.status() == 200 && !r.at("behaviors").toString().contains("\"echo\""));
            assertEquals(200, node.get("/api/node").status(), "the node goes on");
        }
    }
}

package hamlet.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private Node node() throws UsageException {
        return new Node(LaunchOptions.parse(List.of("--home", home.toString()), home), false, err);
    }

    @Test
    void shouldStartEveryBundleAndStopWithinTimeoutWhenAllResolve() throws Exception {
        TestBundles.bundle(home.resolve("bundles/1/provider.jar"), "test.provider",
            Map.of("Export-Package", "test.shared;version=1.0.0"));
        TestBundles.bundle(home.resolve("bundles/3/consumer.jar"), "test.consumer",
            Map.of("Import-Package", "test.shared;version=\"[1,2)\""));
        final Node node = node();

        node.boot();

        assertTrue(node.isRunning());
        assertEquals(3, node.bundleCount(), "system bundle + 2");
        assertTrue(Files.isDirectory(home.resolve("deploy")), "deploy/ is created");
        assertTrue(Files.isDirectory(home.resolve("data/felix-cache")), "the cache lives under data/");
        assertTrue(node.stop(Duration.ofSeconds(10)));
        assertFalse(node.isRunning());
    }

    @Test
    void shouldNameBundleAndMissingPackageWhenASystemBundleCannotResolve() throws Exception {
        TestBundles.bundle(home.resolve("bundles/1/fine.jar"), "test.fine", Map.of());
        TestBundles.bundle(home.resolve("bundles/3/broken.jar"), "test.broken",
            Map.of("Import-Package", "nobody.exports.this"));
        final Node node = node();

        final BootException e = assertThrows(BootException.class, node::boot);

        assertEquals("bundle test.broken 1.0.0 (bundles/3/broken.jar) cannot resolve: missing requirement "
            + "osgi.wiring.package; (osgi.wiring.package=nobody.exports.this)", e.getMessage());
        assertFalse(node.isRunning(), "the framework is stopped again");
        assertEquals("", errBytes.toString(StandardCharsets.UTF_8), "Felix's own copy of the error is not printed");
    }

    @Test
    void shouldBlameTheRootBundleWhenAnotherFailsOnlyBecauseOfIt() throws Exception {
        TestBundles.bundle(home.resolve("bundles/2/root.jar"), "test.root",
            Map.of("Export-Package", "test.root", "Import-Package", "nobody.exports.this"));
        TestBundles.bundle(home.resolve("bundles/3/leaf.jar"), "test.leaf",
            Map.of("Import-Package", "test.root"));
        final Node node = node();

        final BootException e = assertThrows(BootException.class, node::boot);

        assertTrue(e.getMessage().startsWith("bundle test.root 1.0.0 (bundles/2/root.jar) cannot resolve: "
            + "missing requirement osgi.wiring.package; (osgi.wiring.package=nobody.exports.this)"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(1 other bundle(s) failed with it)"), e.getMessage());
    }

    @Test
    void shouldReportActivatorFailureWithItsCauseWhenABundleCannotStart() throws Exception {
        TestBundles.bundle(home.resolve("bundles/3/failing.jar"), "test.failing",
            Map.of("Bundle-Activator", FailingActivator.class.getName(), "Import-Package", "org.osgi.framework"),
            FailingActivator.class);
        final Node node = node();

        final BootException e = assertThrows(BootException.class, node::boot);

        assertTrue(e.getMessage().startsWith("bundle test.failing 1.0.0 (bundles/3/failing.jar) cannot start: "),
            e.getMessage());
        assertTrue(e.getMessage().endsWith("java.lang.IllegalStateException: port 7780 already in use"),
            e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void shouldRefuseASecondNodeOnTheSameDataFolderAndTakeItOnceTheFirstStopped() throws Exception {
        TestBundles.bundle(home.resolve("bundles/1/fine.jar"), "test.fine", Map.of());
        final Node first = node();
        first.boot();
        try {
            final BootException e = assertThrows(BootException.class, () -> node().prepare());
            assertTrue(e.getMessage().startsWith("the data folder " + home.resolve("data") + " is in use by another"
                + " node (pid " + ProcessHandle.current().pid() + "): give each node its own, with --data DIR"),
                e.getMessage());
        } finally {
            assertTrue(first.stop(Duration.ofSeconds(10)));
        }
        final Node next = node();
        next.prepare();
        next.stop(Duration.ofSeconds(10));
    }

    @Test
    void shouldRefuseToBootWhenTheNamedConfFileDoesNotExist() throws Exception {
        TestBundles.bundle(home.resolve("bundles/1/fine.jar"), "test.fine", Map.of());
        final Path missing = home.resolve("conf/nope.conf");
        final Node node = new Node(LaunchOptions.parse(
            List.of("--home", home.toString(), "--conf", missing.toString()), home), false, err);

        final BootException e = assertThrows(BootException.class, node::boot);

        assertEquals("conf file " + missing + " does not exist", e.getMessage());
    }

    @Test
    void shouldReportABundlesBootVetoAsTheOneLineBeforeAnyOtherFailure() throws Exception {
        TestBundles.bundle(home.resolve("bundles/2/vetoing.jar"), "test.vetoing",
            Map.of("Bundle-Activator", VetoingActivator.class.getName(), "Import-Package", "org.osgi.framework"),
            VetoingActivator.class);
        // fails too, as a bundle without the config it needed would
        TestBundles.bundle(home.resolve("bundles/3/failing.jar"), "test.failing",
            Map.of("Bundle-Activator", FailingActivator.class.getName(), "Import-Package", "org.osgi.framework"),
            FailingActivator.class);
        final Node node = node();

        final BootException e = assertThrows(BootException.class, node::boot);

        assertEquals(VetoingActivator.LINE, e.getMessage());
        assertFalse(node.isRunning(), "the framework is stopped again");
    }
}

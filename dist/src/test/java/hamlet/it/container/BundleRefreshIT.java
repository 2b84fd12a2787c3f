package hamlet.it.container;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.wiring.BundleRevisions;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * After hot swaps, at most two revisions of the counter bundle live at once and none is left pending removal, while
 * no unrelated bundle is refreshed (each keeps the very wiring it had); an in-place update through deploy/ is
 * refreshed once, by FileInstall, and moves the counters once, not twice.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BundleRefreshIT extends ContainerTestSupport {
    private static final String COUNTER = "hamlet.example.counter";
    private static final int COUNTERS = 5;
    private final List<Bundle> installed = new ArrayList<>();

    @After
    public void cleanUp() throws Exception {
        system.actors().forEach(info -> system.stop(info.name()));
        for (final Bundle bundle : installed) {
            if (bundle.getState() != Bundle.UNINSTALLED) {
                bundle.uninstall();
            }
        }
        try (var files = Files.list(deploy())) {
            for (final Path file : files.toList()) {
                Files.delete(file);
            }
        }
        awaitTrue("no counter bundle left", () -> counterBundles() == 0);
    }

    @Test
    public void shouldKeepAtMostTwoRevisionsAndRefreshNoUnrelatedBundleAcrossSwaps() throws Exception {
        final Map<Long, BundleWiring> before = wiringsOfOthers();
        install(HotSwapIT.example("hamlet-example-counter-v1.jar").toURI().toString(), null);
        final List<ActorRef> counters = spawnCounters();
        for (int round = 1; round <= 5; round++) {
            final Bundle v2 = install(HotSwapIT.example("hamlet-example-counter-v2.jar").toURI() + "#" + round,
                HotSwapIT.example("hamlet-example-counter-v2.jar").toPath());
            awaitTrue("on 2.0.0", () -> allOn("2.0.0"));
            assertTrue("at most two counter revisions: " + counterRevisions(), counterRevisions() <= 2);
            v2.uninstall();
            awaitTrue("back on 1.0.0", () -> allOn("1.0.0"));
            assertTrue("at most two counter revisions: " + counterRevisions(), counterRevisions() <= 2);
        }
        awaitTrue("nothing pending removal", () -> wiring().getRemovalPendingBundles().isEmpty());
        assertEquals("one counter revision left", 1, counterRevisions());
        assertUnrelatedNotRefreshed(before);
        for (final ActorRef counter : counters) {
            assertEquals(1, ask(counter).get("count").getAsLong());
        }
    }

    @Test
    public void shouldSwapOnceAndLeaveOneRevisionWhenFileInstallUpdatesTheJarInPlace() throws Exception {
        final Map<Long, BundleWiring> before = wiringsOfOthers();
        copyToDeploy("hamlet-example-counter-v1.jar", "counter.jar");
        awaitTrue("FileInstall installed counter 1.0.0", () -> counterBundles() == 1);
        final List<ActorRef> counters = spawnCounters();
        for (final ActorRef counter : counters) {
            assertEquals(1, ask(counter).get("count").getAsLong());
        }
        final AtomicInteger registrations = new AtomicInteger();
        final ServiceListener counting = event -> registrations.incrementAndGet();
        context.addServiceListener(counting, "(&(objectClass=" + ActorBehavior.class.getName() + ")("
            + ActorBehavior.NAME_PROPERTY + "=counter))");
        try {
            copyToDeploy("hamlet-example-counter-v2.jar", "counter.jar");
            awaitTrue("on 2.0.0", () -> allOn("2.0.0"));
            awaitTrue("nothing pending removal", () -> wiring().getRemovalPendingBundles().isEmpty());
            final Bundle counter = counterBundle();
            awaitTrue("one revision of the updated bundle",
                () -> counter.adapt(BundleRevisions.class).getRevisions().size() == 1);
            // One revision left means the old one was refreshed away already: had that refresh restarted the
            // bundle, the behaviour would have been unregistered and registered a second time by now.
            assertTrue("every counter still on 2.0.0", allOn("2.0.0"));
            assertEquals("1.0.0 unregistered, 2.0.0 registered, once each: " + registrations, 2, registrations.get());
        } finally {
            context.removeServiceListener(counting);
        }
        for (final ActorRef counter : counters) {
            assertEquals("the count survived the update", 2, ask(counter).get("count").getAsLong());
        }
        assertUnrelatedNotRefreshed(before);
    }

    @Test
    public void shouldRefreshAnUninstalledBehaviourBundleThatAnotherBundleStillWiresTo() throws Exception {
        // A behaviour bundle exporting a package, and a bundle importing it: uninstalled, the first stays pending
        // removal (the framework cannot drop a revision something is wired to) until the registry refreshes it.
        final java.util.jar.Manifest manifest = FaultyBundlesIT.counterManifest("hamlet.test.faulty.lib", "1.0.0");
        manifest.getMainAttributes().putValue(hamlet.it.container.faulty.FaultyActivator.NAME, "lib");
        manifest.getMainAttributes().putValue(hamlet.api.RejectedBundle.BEHAVIOR_HEADER, "lib");
        manifest.getMainAttributes().putValue("Export-Package", "hamlet.it.container.faulty;version=1.0.0");
        final Bundle lib = context.installBundle("test:faulty-lib",
            new java.io.ByteArrayInputStream(FaultyBundlesIT.faultyBundle(manifest, "create")));
        installed.add(lib);
        lib.start();
        final java.util.jar.Manifest user = new java.util.jar.Manifest();
        user.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        user.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        user.getMainAttributes().putValue("Bundle-SymbolicName", "hamlet.test.lib.user");
        user.getMainAttributes().putValue("Import-Package",
            "hamlet.it.container.faulty;bundle-symbolic-name=hamlet.test.faulty.lib");
        final Bundle userBundle = context.installBundle("test:lib-user", HotSwapIT.stream(HotSwapIT.jar(user)));
        installed.add(userBundle);
        assertTrue("the importer resolves against the behaviour bundle",
            wiring().resolveBundles(java.util.Set.of(userBundle)));
        awaitTrue("lib registered", () -> system.behaviors().contains("lib"));
        final Map<Long, BundleWiring> before = wiringsOfOthers();
        before.remove(userBundle.getBundleId());
        before.remove(lib.getBundleId());

        lib.uninstall();
        // The framework keeps it (the registry's refresh waits for the burst of events to end, 200 ms).
        assertTrue("pending removal right after the uninstall", wiring().getRemovalPendingBundles().contains(lib));
        awaitTrue("the uninstalled behaviour bundle refreshed away by the registry",
            () -> wiring().getRemovalPendingBundles().isEmpty());
        assertEquals("its importer was refreshed with it (it depends on it) and waits unresolved",
            Bundle.INSTALLED, userBundle.getState());
        assertUnrelatedNotRefreshed(before);
    }

    private void assertUnrelatedNotRefreshed(final Map<Long, BundleWiring> before) {
        final Map<Long, BundleWiring> after = wiringsOfOthers();
        for (final Map.Entry<Long, BundleWiring> entry : before.entrySet()) {
            assertSame("bundle " + context.getBundle(entry.getKey()) + " was not refreshed (same wiring)",
                entry.getValue(), after.get(entry.getKey()));
        }
    }

    /** The current wiring of every bundle but the counters and the test's own probe. */
    private Map<Long, BundleWiring> wiringsOfOthers() {
        final Map<Long, BundleWiring> wirings = new HashMap<>();
        for (final Bundle bundle : context.getBundles()) {
            if (!COUNTER.equals(bundle.getSymbolicName()) && bundle.getState() != Bundle.INSTALLED) {
                wirings.put(bundle.getBundleId(), bundle.adapt(BundleWiring.class));
            }
        }
        return wirings;
    }

    /** Revisions of the counter bundles that still exist: installed ones, and those pending removal. */
    private int counterRevisions() {
        int revisions = 0;
        for (final Bundle bundle : context.getBundles()) {
            if (COUNTER.equals(bundle.getSymbolicName())) {
                revisions += bundle.adapt(BundleRevisions.class).getRevisions().size();
            }
        }
        for (final Bundle pending : wiring().getRemovalPendingBundles()) {
            if (COUNTER.equals(pending.getSymbolicName()) && pending.getState() == Bundle.UNINSTALLED) {
                revisions += pending.adapt(BundleRevisions.class).getRevisions().size();
            }
        }
        return revisions;
    }

    private int counterBundles() {
        return (int) java.util.Arrays.stream(context.getBundles())
            .filter(b -> COUNTER.equals(b.getSymbolicName())).count();
    }

    private Bundle counterBundle() {
        return java.util.Arrays.stream(context.getBundles()).filter(b -> COUNTER.equals(b.getSymbolicName()))
            .findFirst().orElseThrow();
    }

    private FrameworkWiring wiring() {
        return context.getBundle(0).adapt(FrameworkWiring.class);
    }

    private List<ActorRef> spawnCounters() {
        awaitTrue("counter registered", () -> system.behaviors().contains("counter"));
        final List<ActorRef> refs = new ArrayList<>();
        for (int i = 1; i <= COUNTERS; i++) {
            refs.add(system.spawn("counter", "counter-" + i));
        }
        awaitTrue("counters running", () -> system.actors().size() == COUNTERS);
        return refs;
    }

    private boolean allOn(final String version) {
        for (final ActorInfo info : system.actors()) {
            if (!version.equals(info.behaviorVersion()) || info.state() != ActorInfo.State.RUNNING) {
                return false;
            }
        }
        return !system.actors().isEmpty();
    }

    private Bundle install(final String location, final Path content) throws Exception {
        final Bundle bundle = content == null ? context.installBundle(location)
            : context.installBundle(location, Files.newInputStream(content));
        installed.add(bundle);
        bundle.start();
        return bundle;
    }

    private Path deploy() {
        return Path.of(context.getProperty("felix.fileinstall.dir"));
    }

    private void copyToDeploy(final String jar, final String as) throws Exception {
        final Path aside = deploy().resolveSibling(as + ".part");
        Files.copy(HotSwapIT.example(jar).toPath(), aside, StandardCopyOption.REPLACE_EXISTING);
        Files.move(aside, deploy().resolve(as), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static JsonObject ask(final ActorRef ref) {
        return (JsonObject) ref.ask("?", Duration.ofSeconds(10)).toCompletableFuture().join();
    }
}

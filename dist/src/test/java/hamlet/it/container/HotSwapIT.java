package hamlet.it.container;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.BehaviorInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Hot swap with the real counter bundles: version 2.0.0 dropped into deploy/ next to 1.0.0 takes every counter over
 * with its count, under traffic, losing nothing; taking 2.0.0 away moves them back; a jar that is not a bundle or
 * does not resolve changes nothing. Each method cleans up after itself: one framework serves the class.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT extends ContainerTestSupport {
    private static final int COUNTERS = 10;
    private final List<Bundle> installed = new ArrayList<>();

    @Override
    protected String nodeConf() {
        // Room for the ticks that wait while a loaded dispatcher gets round to each actor's swap.
        return super.nodeConf() + "hamlet.registry.mailbox.capacity = 1048576\n";
    }

    @After
    public void cleanUp() throws Exception {
        system.actors().forEach(info -> system.stop(info.name()));
        for (final Bundle bundle : installed) {
            if (bundle.getState() != Bundle.UNINSTALLED) {
                bundle.uninstall();
            }
        }
        try (var files = Files.list(Path.of(context.getProperty("felix.fileinstall.dir")))) {
            for (final Path file : files.toList()) {
                Files.delete(file);
            }
        }
        awaitTrue("no counter bundle left", () -> java.util.Arrays.stream(context.getBundles())
            .noneMatch(b -> "hamlet.example.counter".equals(b.getSymbolicName())));
        awaitTrue("no actor left", () -> system.actors().isEmpty());
    }

    @Test
    public void shouldMoveCountersToVersionTwoAndBackWithCountsIntactUnderTraffic() throws Exception {
        install("hamlet-example-counter-v1.jar");
        final List<ActorRef> counters = spawnCounters();
        final long[] sent = new long[COUNTERS];
        final AtomicBoolean go = new AtomicBoolean(true);
        final Thread traffic = new Thread(() -> {
            while (go.get()) {
                for (int i = 0; i < COUNTERS; i++) {
                    counters.get(i).tell("tick");
                    sent[i]++;
                }
                if (system.actors().stream().mapToInt(ActorInfo::mailboxSize).max().orElse(0) > 10_000) {
                    // Bounded in flight: a full mailbox would turn ticks into dead letters, not a swap's fault.
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                }
            }
        });
        traffic.start();
        try {
            awaitTrue("traffic flows", () -> system.actor("counter-1").orElseThrow().processed() > 1000);
            copyToDeploy("hamlet-example-counter-v2.jar");
            awaitTrue("every counter on 2.0.0", () -> allOn("2.0.0"));
            final Bundle v2 = bundleOfVersion("2.0.0");
            awaitTrue("more traffic on 2.0.0", () -> system.actor("counter-1").orElseThrow().processed() > 5000);
            Files.delete(Path.of(context.getProperty("felix.fileinstall.dir"), "hamlet-example-counter-v2.jar"));
            awaitTrue("2.0.0 uninstalled by FileInstall", () -> v2.getState() == Bundle.UNINSTALLED);
            awaitTrue("every counter back on 1.0.0", () -> allOn("1.0.0"));
        } finally {
            go.set(false);
            traffic.join();
        }
        for (int i = 0; i < COUNTERS; i++) {
            final JsonObject reply = ask(counters.get(i));
            assertEquals("counter-" + (i + 1) + ": every message counted once, the ask too", sent[i] + 1,
                reply.get("count").getAsLong());
        }
        assertEquals("no dead letters", 0, system.deadLetterCount());
        final BehaviorInfo counter = behavior();
        assertEquals("1.0.0", counter.version());
        assertEquals(BehaviorInfo.State.AVAILABLE, counter.state());
        assertTrue(String.valueOf(counter.lastSwap()), counter.lastSwap().succeeded());
        assertEquals("2.0.0", counter.lastSwap().from());
    }

    @Test
    public void shouldReplyWithVersionTwosShapeAfterTheSwap() throws Exception {
        install("hamlet-example-counter-v1.jar");
        final ActorRef counter = spawnCounters().get(0);
        assertEquals(1, ask(counter).get("count").getAsLong());
        install("hamlet-example-counter-v2.jar");
        awaitTrue("on 2.0.0", () -> allOn("2.0.0"));

        final JsonObject reply = ask(counter);
        assertEquals(2, reply.get("count").getAsLong());
        assertEquals(2, reply.get("version").getAsInt());
        assertTrue(reply.has("rate"));
        assertEquals(List.of("2.0.0", "1.0.0"), behavior().versions());
    }

    @Test
    public void shouldIgnoreAJarThatIsNotABundleOrDoesNotResolve() throws Exception {
        install("hamlet-example-counter-v1.jar");
        final ActorRef counter = spawnCounters().get(0);
        final Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        final Manifest plain = new Manifest();
        plain.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        Files.write(deploy.resolve("not-a-bundle.jar"), jar(plain));
        final Manifest unresolvable = new Manifest();
        final Attributes main = unresolvable.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "hamlet.example.counter");
        main.putValue("Bundle-Version", "3.0.0");
        main.putValue("Import-Package", "no.such.package;version=\"[1,2)\"");
        Files.write(deploy.resolve("counter-3-broken.jar"), jar(unresolvable));
        awaitTrue("FileInstall installed the broken 3.0.0 (it cannot resolve)", () -> {
            for (final Bundle bundle : context.getBundles()) {
                if ("3.0.0".equals(bundle.getVersion().toString())
                    && "hamlet.example.counter".equals(bundle.getSymbolicName())) {
                    return bundle.getState() == Bundle.INSTALLED;
                }
            }
            return false;
        });

        assertEquals(1, ask(counter).get("count").getAsLong());
        assertTrue(allOn("1.0.0"));
        assertEquals(List.of("1.0.0"), behavior().versions());
    }

    private List<ActorRef> spawnCounters() {
        awaitTrue("counter registered", () -> system.behaviors().contains("counter"));
        final List<ActorRef> refs = new ArrayList<>();
        for (int i = 1; i <= COUNTERS; i++) {
            refs.add(system.spawn("counter", "counter-" + i));
        }
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

    private BehaviorInfo behavior() {
        return system.behaviorDetails().stream().filter(b -> b.name().equals("counter")).findFirst().orElseThrow();
    }

    private Bundle bundleOfVersion(final String version) {
        for (final Bundle bundle : context.getBundles()) {
            if ("hamlet.example.counter".equals(bundle.getSymbolicName())
                && version.equals(bundle.getVersion().toString())) {
                return bundle;
            }
        }
        throw new AssertionError("no counter bundle " + version);
    }

    private static JsonObject ask(final ActorRef ref) {
        return (JsonObject) ref.ask("?", Duration.ofSeconds(10)).toCompletableFuture().join();
    }

    static File example(final String jar) {
        final File file = new File("target/hamlet/examples", jar).getAbsoluteFile();
        if (!file.isFile()) {
            throw new IllegalStateException("no " + file + ": the dist module's package phase ships it");
        }
        return file;
    }

    private void install(final String jar) throws Exception {
        final Bundle bundle = context.installBundle(example(jar).toURI().toString());
        installed.add(bundle);
        bundle.start();
    }

    private void copyToDeploy(final String jar) throws IOException {
        final Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        final Path aside = deploy.resolve(jar + ".part");
        Files.copy(example(jar).toPath(), aside, StandardCopyOption.REPLACE_EXISTING);
        Files.move(aside, deploy.resolve(jar), StandardCopyOption.ATOMIC_MOVE);
    }

    static byte[] jar(final Manifest manifest) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            out.flush();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ByteArrayInputStream stream(final byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }
}

package hamlet.it.container;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.BehaviorInfo;
import hamlet.api.RejectedBundle;
import hamlet.it.container.faulty.FaultyActivator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The failure paths of a behaviour jar dropped into deploy/, each with counter 1.0.0 serving three counters: a jar
 * that is not a bundle, a counter bundle that does not resolve, and counter bundles whose behaviour throws in
 * {@code create} or in {@code restore}. Each time the swap is refused, the counters keep counting on 1.0.0, and the
 * reason shows in {@code GET /api/behaviors} (refused jars) or in the behaviour's last swap.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FaultyBundlesIT extends ContainerTestSupport {
    private static final int COUNTERS = 3;
    private Bundle v1;
    private final List<ActorRef> counters = new ArrayList<>();
    private long asked;

    @Before
    public void counterOneServes() throws Exception {
        v1 = context.installBundle(HotSwapIT.example("hamlet-example-counter-v1.jar").toURI().toString());
        v1.start();
        awaitTrue("counter registered", () -> system.behaviors().contains("counter"));
        for (int i = 1; i <= COUNTERS; i++) {
            counters.add(system.spawn("counter", "counter-" + i));
        }
        assertCountersServeOnVersionOne();
    }

    @After
    public void cleanUp() throws Exception {
        system.actors().forEach(info -> system.stop(info.name()));
        v1.uninstall();
        try (var files = Files.list(deploy())) {
            for (final Path file : files.toList()) {
                Files.delete(file);
            }
        }
        awaitTrue("no counter bundle left", () -> java.util.Arrays.stream(context.getBundles())
            .noneMatch(b -> String.valueOf(b.getSymbolicName()).startsWith("hamlet.example.counter")
                || String.valueOf(b.getSymbolicName()).startsWith("hamlet.test.faulty")));
        awaitTrue("no refusal left", () -> system.rejectedBundles().isEmpty());
        awaitTrue("no actor left", () -> system.actors().isEmpty());
    }

    @Test
    public void shouldRefuseJarsThatAreNotBundlesAndShowWhyInTheApi() throws Exception {
        final Manifest plain = new Manifest();
        plain.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        drop("no-symbolic-name.jar", HotSwapIT.jar(plain));
        drop("not-a-zip.jar", "this is text, not a jar".getBytes(StandardCharsets.UTF_8));

        final RejectedBundle noName = awaitRefused("no-symbolic-name.jar");
        assertTrue(noName.reason(), noName.reason().contains("no Bundle-SymbolicName"));
        final RejectedBundle notZip = awaitRefused("not-a-zip.jar");
        assertTrue(notZip.reason(), notZip.reason().contains("not a zip file"));

        final JsonArray shown = behaviorsFromApi().getAsJsonArray("rejected");
        assertEquals(shown.toString(), 2, shown.size());
        assertTrue(shown.toString(), shown.toString().contains("no Bundle-SymbolicName"));
        assertTrue(shown.toString(), shown.toString().contains("not a zip file"));
        assertCountersServeOnVersionOne();

        Files.delete(deploy().resolve("not-a-zip.jar"));
        awaitTrue("a removed jar is no longer refused", () -> system.rejectedBundles().size() == 1);
    }

    @Test
    public void shouldRefuseACounterBundleThatDoesNotResolveAndShowTheMissingPackage() throws Exception {
        final Manifest manifest = counterManifest("hamlet.example.counter", "3.0.0");
        manifest.getMainAttributes().putValue("Import-Package", "no.such.package;version=\"[1,2)\"");
        drop("counter-3-unresolvable.jar", HotSwapIT.jar(manifest));

        final RejectedBundle refused = awaitRefused("counter-3-unresolvable.jar");
        assertEquals("counter", refused.behavior());
        assertEquals("3.0.0", refused.version());
        assertTrue(refused.reason(), refused.reason().startsWith("does not resolve"));
        assertTrue(refused.reason(), refused.reason().contains("no.such.package"));
        final JsonObject api = behaviorsFromApi();
        assertTrue(api.toString(), api.getAsJsonArray("rejected").toString().contains("no.such.package"));
        assertEquals(List.of("1.0.0"), counter().versions());
        assertCountersServeOnVersionOne();
    }

    @Test
    public void shouldKeepVersionOneServingWhenTheNewVersionFailsToCreate() throws Exception {
        drop("counter-3-faulty-create.jar", faultyBundle("create"));
        final BehaviorInfo.Swap swap = awaitSwapTo("3.0.0");
        assertEquals(0, swap.moved());
        assertEquals(COUNTERS, swap.failed());
        assertTrue(swap.failure(), swap.failure().contains("create fails on purpose"));
        assertSwapShownInApi("create fails on purpose");
        assertCountersServeOnVersionOne();
    }

    @Test
    public void shouldKeepVersionOneServingWhenTheNewVersionFailsToRestore() throws Exception {
        drop("counter-3-faulty-restore.jar", faultyBundle("restore"));
        final BehaviorInfo.Swap swap = awaitSwapTo("3.0.0");
        assertEquals(0, swap.moved());
        assertEquals(COUNTERS, swap.failed());
        assertTrue(swap.failure(), swap.failure().contains("restore fails on purpose"));
        assertSwapShownInApi("restore fails on purpose");
        assertCountersServeOnVersionOne();
    }

    /** Every counter on 1.0.0, running, and counting: each answers an ask with its count so far. */
    private void assertCountersServeOnVersionOne() {
        asked++;
        for (final ActorRef counter : counters) {
            final ActorInfo info = system.actor(counter.address().name()).orElseThrow();
            assertEquals(info.name(), "1.0.0", info.behaviorVersion());
            assertEquals(info.name(), ActorInfo.State.RUNNING, info.state());
            final JsonObject reply = (JsonObject) counter.ask("?", Duration.ofSeconds(10)).toCompletableFuture()
                .join();
            assertEquals(info.name() + " kept its count", asked, reply.get("count").getAsLong());
        }
    }

    private RejectedBundle awaitRefused(final String file) {
        awaitTrue(file + " refused", () -> refusal(file).isPresent());
        final RejectedBundle refused = refusal(file).orElseThrow();
        assertTrue(refused.location(), refused.location().startsWith("file:"));
        return refused;
    }

    private Optional<RejectedBundle> refusal(final String file) {
        return system.rejectedBundles().stream().filter(r -> r.location().endsWith("/deploy/" + file)).findFirst();
    }

    private BehaviorInfo.Swap awaitSwapTo(final String version) {
        awaitTrue("a swap to " + version + " tallied for every counter", () -> {
            final BehaviorInfo.Swap swap = counter().lastSwap();
            return swap != null && version.equals(swap.to()) && swap.moved() + swap.failed() == COUNTERS;
        });
        return counter().lastSwap();
    }

    private void assertSwapShownInApi(final String failure) throws IOException {
        for (final JsonElement behavior : behaviorsFromApi().getAsJsonArray("behaviors")) {
            final JsonObject json = behavior.getAsJsonObject();
            if ("counter".equals(json.get("name").getAsString())) {
                final JsonObject swap = json.getAsJsonObject("lastSwap");
                assertEquals(json.toString(), "failed", swap.get("result").getAsString());
                assertTrue(json.toString(), swap.get("failure").getAsString().contains(failure));
                return;
            }
        }
        throw new AssertionError("no counter in GET /api/behaviors");
    }

    private BehaviorInfo counter() {
        return system.behaviorDetails().stream().filter(b -> b.name().equals("counter")).findFirst().orElseThrow();
    }

    private JsonObject behaviorsFromApi() throws IOException {
        final Matcher port = Pattern.compile("hamlet\\.admin\\.port = (\\d+)").matcher(readNodeConf());
        assertTrue("the test's node.conf names the admin port", port.find());
        // The admin bundle may still be starting its server in the first test.
        awaitTrue("admin API listening", () -> {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", Integer.parseInt(port.group(1)))) {
                return true;
            } catch (final IOException e) {
                return false;
            }
        });
        final HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port.group(1)
            + "/api/behaviors").openConnection();
        try (InputStream in = connection.getInputStream()) {
            assertEquals(200, connection.getResponseCode());
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        } finally {
            connection.disconnect();
        }
    }

    private Path deploy() {
        return Path.of(context.getProperty("felix.fileinstall.dir"));
    }

    private void drop(final String file, final byte[] bytes) throws IOException {
        final Path aside = deploy().resolveSibling(file + ".part");
        Files.write(aside, bytes);
        Files.move(aside, deploy().resolve(file), StandardCopyOption.ATOMIC_MOVE);
    }

    static Manifest counterManifest(final String symbolicName, final String version) {
        final Manifest manifest = new Manifest();
        final Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        main.putValue(RejectedBundle.BEHAVIOR_HEADER, "counter");
        return manifest;
    }

    /** A counter 3.0.0 made of {@link FaultyActivator}'s class files, failing in {@code mode}. */
    private byte[] faultyBundle(final String mode) throws IOException {
        return faultyBundle(counterManifest("hamlet.test.faulty." + mode, "3.0.0"), mode);
    }

    /**
     * @param manifest the bundle's manifest, completed here
     * @param mode what fails
     * @return a bundle of {@link FaultyActivator}'s class files
     */
    static byte[] faultyBundle(final Manifest manifest, final String mode) throws IOException {
        final Attributes main = manifest.getMainAttributes();
        main.putValue("Bundle-Activator", FaultyActivator.class.getName());
        main.putValue("Import-Package", "hamlet.api;version=\"[1.1,2)\",org.osgi.framework,com.google.gson");
        main.putValue(FaultyActivator.MODE, mode);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            for (final String name : List.of("FaultyActivator", "FaultyActivator$Behavior",
                "FaultyActivator$Restoring")) {
                final String entry = "hamlet/it/container/faulty/" + name + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = FaultyActivator.class.getClassLoader().getResourceAsStream(entry)) {
                    if (in == null) {
                        throw new IllegalStateException("no " + entry + " in the probe");
                    }
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        } catch (final UncheckedIOException e) {
            throw e.getCause();
        }
        return bytes.toByteArray();
    }
}

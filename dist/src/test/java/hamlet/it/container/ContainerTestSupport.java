package hamlet.it.container;

import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorSystem;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.ProvisionOption;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import javax.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;

/**
 * Boots the real bundles of the built distribution (dist/target/hamlet/bundles/LEVEL/*.jar, each at its start level)
 * in Felix, with a node config of the test's own. Each test class gets a fresh framework.
 *
 * <p>{@link #config()} runs in the test driver; the test methods run inside the framework, in the probe bundle,
 * where static state of the driver is not visible: they find the node's config file through the framework property
 * {@code hamlet.conf.file}.
 */
public abstract class ContainerTestSupport {
    /** Long enough for a loaded 2-core CI machine; every wait polls and returns as soon as it can. */
    protected static final Duration DEADLINE = Duration.ofSeconds(20);

    @Inject
    protected BundleContext context;

    @Inject
    protected ActorSystem system;

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    /**
     * The node's config for this test class, as HOCON under {@code hamlet}. Subclasses add what they test.
     *
     * @return the text of the node.conf the class boots with
     */
    protected String nodeConf() {
        return "hamlet.node.id = it-node\n";
    }

    @Configuration
    public Option[] config() throws IOException {
        final Path home = Files.createTempDirectory("hamlet-it-");
        final Path conf = Files.createDirectories(home.resolve("conf")).resolve("node.conf");
        Files.writeString(conf, "# written by " + getClass().getSimpleName() + "\n" + adminOnFreePort() + nodeConf(),
            StandardCharsets.UTF_8);
        final Path deploy = Files.createDirectories(home.resolve("deploy"));
        final List<Option> options = new ArrayList<>(distributionBundles());
        options.addAll(Arrays.asList(
            frameworkStartLevel(10),
            frameworkProperty("hamlet.home").value(home.toString()),
            frameworkProperty("hamlet.conf.file").value(conf.toString()),
            frameworkProperty("felix.fileinstall.dir").value(deploy.toString()),
            frameworkProperty("felix.fileinstall.poll").value("200"),
            frameworkProperty("felix.fileinstall.enableConfigSave").value("false"),
            frameworkProperty("gosh.args").value("--nointeractive"),
            junitBundles()));
        return options(options.toArray(new Option[0]));
    }

    /** The admin API must not collide with a node already running on this machine or another test's. */
    private static String adminOnFreePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "hamlet.admin.port = " + socket.getLocalPort() + "\n";
        }
    }

    private static List<ProvisionOption<?>> distributionBundles() {
        final File bundles = new File("target/hamlet/bundles");
        final File[] levels = bundles.listFiles(File::isDirectory);
        if (levels == null || levels.length == 0) {
            throw new IllegalStateException("no distribution at " + bundles.getAbsolutePath()
                + ": run the package phase of the dist module first (mvn verify does)");
        }
        final List<ProvisionOption<?>> provision = new ArrayList<>();
        for (final File level : levels) {
            final File[] jars = level.listFiles((dir, name) -> name.endsWith(".jar"));
            for (final File jar : jars == null ? new File[0] : jars) {
                provision.add(bundle(jar.toURI().toString()).startLevel(Integer.parseInt(level.getName())));
            }
        }
        return provision;
    }

    /**
     * Registers a behaviour made by the test itself, as a user's bundle would, and unregisters it after the test.
     *
     * @param name the behaviour's name
     * @param behavior how to make its actors
     */
    protected void registerBehavior(final String name, final ActorBehavior behavior) {
        final Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(ActorBehavior.NAME_PROPERTY, name);
        registrations.add(context.registerService(ActorBehavior.class, behavior, properties));
        awaitTrue("behaviour " + name + " visible to the registry", () -> system.behaviors().contains(name));
    }

    /** Call from an @After method. */
    protected void unregisterBehaviors() {
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
    }

    /**
     * Replaces the node's config file the way a careful editor does (write aside, then move into place).
     *
     * @param text the new content
     */
    protected void writeNodeConf(final String text) {
        final Path conf = Path.of(context.getProperty("hamlet.conf.file"));
        try {
            final Path aside = conf.resolveSibling("node.conf.tmp");
            Files.writeString(aside, text, StandardCharsets.UTF_8);
            Files.move(aside, conf, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the node's config file as it is now */
    protected String readNodeConf() {
        try {
            return Files.readString(Path.of(context.getProperty("hamlet.conf.file")), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Polls until the condition holds or {@link #DEADLINE} passes.
     *
     * @param what what is awaited, for the failure message
     * @param condition the condition
     */
    protected static void awaitTrue(final String what, final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + DEADLINE.toSeconds() + " s: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
    }

    /** An actor with no behaviour of its own, for tests that only need a mailbox. */
    protected static Actor ignoring() {
        return (message, ctx) -> { };
    }
}

package hamlet.kernel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/**
 * One embedded Felix framework booting the system bundles of a distribution.
 *
 * <p>{@link #boot()} installs every jar of bundles/LEVEL/ at its level, marks it started, and lets the framework
 * rise to one level above the highest system bundle, which is where FileInstall puts deploy/ bundles. It returns
 * once every system bundle is active, or stops the framework and throws with one line naming the bundle that did
 * not start. The kernel knows nothing about actors: it boots bundles.
 *
 * <p>Threads: boot() and awaitStopped() run on the launcher's main thread, stop() on the shutdown hook; Felix
 * delivers framework events on its own dispatcher thread into the concurrent queue below.
 */
public final class Node {
    /** How long the framework may take to reach its start level before the boot is declared stuck. */
    static final Duration BOOT_TIMEOUT = Duration.ofMinutes(2);

    private final LaunchOptions options;
    private final boolean interactive;
    private final KernelLogger logger;
    private final Queue<FrameworkEvent> errors = new ConcurrentLinkedQueue<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile Framework framework;
    private List<BundleFolders.SystemBundle> systemBundles = List.of();
    private volatile DataFolderLock dataLock;

    public Node(final LaunchOptions options, final boolean interactive, final PrintStream err) {
        this.options = options;
        this.interactive = interactive;
        this.logger = new KernelLogger(err);
    }

    /** The system bundles found by {@link #prepare()}, in start order. */
    public List<BundleFolders.SystemBundle> systemBundles() {
        return systemBundles;
    }

    /**
     * Checks the distribution before anything starts: the bundles folder, the conf file when one was named, and the
     * data and deploy folders (created when missing).
     */
    public void prepare() throws BootException {
        systemBundles = BundleFolders.scan(options.bundlesDir());
        if (options.confGiven() && !Files.isRegularFile(options.confFile())) {
            throw new BootException("conf file " + options.confFile() + " does not exist");
        }
        try {
            Files.createDirectories(options.dataDir());
            Files.createDirectories(options.deployDir());
        } catch (final IOException e) {
            throw new BootException("cannot create " + e.getMessage(), e);
        }
        if (dataLock == null) {
            dataLock = DataFolderLock.take(options.dataDir());
        }
    }

    /**
     * Starts the framework and every system bundle; on return all of them are active.
     *
     * @throws BootException with the one line to show, after the framework has been stopped again
     */
    public void boot() throws BootException {
        if (systemBundles.isEmpty()) {
            prepare();
        }
        final int deployLevel = BundleFolders.highestLevel(systemBundles) + 1;
        final Map<String, Object> props = new HashMap<>(FrameworkSettings.build(options, interactive, deployLevel));
        props.put("felix.log.logger", logger);
        final Framework fw = new Felix(props);
        try {
            fw.init();
        } catch (final BundleException e) {
            throw new BootException("cannot initialise the OSGi framework: " + StartFailure.reason(e), e);
        }
        framework = fw;
        final Map<Long, Path> installed = installAll(fw.getBundleContext());
        fw.getBundleContext().addFrameworkListener(this::onFrameworkEvent);
        try {
            fw.start();
            if (!started.await(BOOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw failBoot("the framework did not reach start level " + deployLevel + " within "
                    + BOOT_TIMEOUT.toSeconds() + " s");
            }
        } catch (final BundleException e) {
            throw failBoot("cannot start the OSGi framework: " + StartFailure.reason(e));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failBoot("interrupted while booting");
        }
        // A veto first: the bundle that vetoes has found the root cause (a refused conf file), and whatever else
        // failed after it, failed for want of the config it did not push.
        final String veto = bootVeto(fw.getBundleContext());
        if (veto != null) {
            throw failBoot(veto);
        }
        final String failure = firstFailure(installed);
        if (failure != null) {
            throw failBoot(failure);
        }
        logger.bootDone();
    }

    /** Blocks until the framework has stopped, for whatever reason (shell `stop 0`, shutdown hook). */
    public void awaitStopped() throws InterruptedException {
        final Framework fw = framework;
        if (fw != null) {
            fw.waitForStop(0);
        }
    }

    /** True while the framework is starting, active or stopping. */
    public boolean isRunning() {
        final Framework fw = framework;
        return fw != null && (fw.getState() & (Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) != 0;
    }

    /**
     * Stops the framework and waits for it.
     *
     * @return true if the framework stopped within the timeout
     */
    public boolean stop(final Duration timeout) {
        final Framework fw = framework;
        if (fw == null) {
            releaseDataFolder();
            return true;
        }
        try {
            fw.stop();
            final FrameworkEvent event = fw.waitForStop(timeout.toMillis());
            final boolean stopped = event.getType() != FrameworkEvent.WAIT_TIMEDOUT;
            if (stopped) {
                releaseDataFolder();
            }
            return stopped;
        } catch (final BundleException e) {
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void releaseDataFolder() {
        final DataFolderLock lock = dataLock;
        if (lock != null) {
            dataLock = null;
            lock.close();
        }
    }

    /** Number of bundles the framework holds, the system bundle and deploy/ bundles included. */
    public int bundleCount() {
        final Framework fw = framework;
        return fw == null || fw.getBundleContext() == null ? 0 : fw.getBundleContext().getBundles().length;
    }

    private void onFrameworkEvent(final FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.ERROR) {
            errors.add(event);
        } else if (event.getType() == FrameworkEvent.STARTED) {
            started.countDown();
        }
    }

    private Map<Long, Path> installAll(final BundleContext context) throws BootException {
        final Map<Long, Path> installed = new LinkedHashMap<>();
        for (final BundleFolders.SystemBundle sb : systemBundles) {
            final Bundle bundle;
            try {
                bundle = context.installBundle(sb.jar().toUri().toString());
            } catch (final BundleException | RuntimeException e) {
                throw failBoot("cannot install " + relative(sb.jar()) + ": " + StartFailure.reason(e));
            }
            installed.put(bundle.getBundleId(), sb.jar());
            bundle.adapt(BundleStartLevel.class).setStartLevel(sb.level());
            if (!isFragment(bundle)) {
                try {
                    // Persistent: the bundle starts when the framework reaches its level, not now.
                    bundle.start();
                } catch (final BundleException e) {
                    throw failBoot(describe(bundle, sb.jar()) + " cannot start: " + StartFailure.reason(e));
                }
            }
        }
        return installed;
    }

    /** The line of the first boot veto a bundle registered (see {@link FrameworkSettings#BOOT_VETO}), or null. */
    static String bootVeto(final BundleContext context) {
        final ServiceReference<?>[] vetoes;
        try {
            vetoes = context.getServiceReferences((String) null, "(" + FrameworkSettings.BOOT_VETO + "=*)");
        } catch (final InvalidSyntaxException e) {
            throw new IllegalStateException("the boot veto filter is wrong", e);
        }
        if (vetoes == null || vetoes.length == 0) {
            return null;
        }
        Arrays.sort(vetoes, Comparator.comparingLong(r -> (Long) r.getProperty(Constants.SERVICE_ID)));
        final String line = String.valueOf(vetoes[0].getProperty(FrameworkSettings.BOOT_VETO));
        return line.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    /** The line for the first system bundle that is not active, preferring the root of a resolution chain. */
    private String firstFailure(final Map<Long, Path> installed) {
        final Map<String, FrameworkEvent> bySymbolicName = new LinkedHashMap<>();
        for (final FrameworkEvent event : errors) {
            final Bundle b = event.getBundle();
            if (b != null && installed.containsKey(b.getBundleId())) {
                bySymbolicName.putIfAbsent(String.valueOf(b.getSymbolicName()), event);
            }
        }
        final List<String> lines = new ArrayList<>();
        for (final FrameworkEvent event : bySymbolicName.values()) {
            final String culprit = StartFailure.culprit(event.getThrowable());
            if (culprit == null || !bySymbolicName.containsKey(culprit)) {
                lines.add(lineFor(event.getBundle(), installed.get(event.getBundle().getBundleId()),
                    event.getThrowable()));
            }
        }
        if (lines.isEmpty()) {
            for (final Bundle b : framework.getBundleContext().getBundles()) {
                if (installed.containsKey(b.getBundleId()) && !isFragment(b) && b.getState() != Bundle.ACTIVE) {
                    lines.add(describe(b, installed.get(b.getBundleId())) + " did not start (state "
                        + b.getState() + ")");
                }
            }
        }
        if (lines.isEmpty()) {
            return null;
        }
        final int others = bySymbolicName.size() - 1;
        return lines.get(0) + (others > 0 ? " (" + others + " other bundle(s) failed with it)" : "");
    }

    private String lineFor(final Bundle bundle, final Path jar, final Throwable failure) {
        final String what = StartFailure.isResolution(failure) ? " cannot resolve: " : " cannot start: ";
        final String culprit = StartFailure.culprit(failure);
        final String via = culprit == null ? "" : " (through bundle " + culprit + ", which cannot resolve)";
        return describe(bundle, jar) + what + StartFailure.reason(failure) + via;
    }

    private BootException failBoot(final String line) {
        stop(Duration.ofSeconds(10));
        return new BootException(line);
    }

    private String describe(final Bundle bundle, final Path jar) {
        final String name = bundle.getSymbolicName() == null ? "(no symbolic name)" : bundle.getSymbolicName();
        return "bundle " + name + " " + bundle.getVersion() + " (" + relative(jar) + ")";
    }

    private String relative(final Path jar) {
        return jar.startsWith(options.home()) ? options.home().relativize(jar).toString() : jar.toString();
    }

    private static boolean isFragment(final Bundle bundle) {
        final BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }
}

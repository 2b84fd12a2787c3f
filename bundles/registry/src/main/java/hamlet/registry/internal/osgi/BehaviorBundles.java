package hamlet.registry.internal.osgi;

import hamlet.api.ActorBehavior;
import hamlet.api.RejectedBundle;
import hamlet.registry.internal.Rejections;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.util.tracker.BundleTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The framework side of behaviour bundles, for the registry:
 * <ul>
 * <li><b>Refresh after a swap, for that bundle only.</b> When a bundle that provided a behaviour is uninstalled
 * (its services, and so its actors, are gone: the registry's unbind waited for every actor of it to take its
 * snapshot), and the framework keeps it pending removal, exactly the pending behaviour bundles are refreshed
 * ({@link FrameworkWiring#refreshBundles} with that set, never the whole framework), so that its revision and class
 * loader go. Only uninstalled ones: refreshing a bundle updated in place would stop and restart it, a second swap
 * of every actor; FileInstall refreshes what it updates itself, and {@code bundle:update} leaves it to the operator
 * ({@code refresh ID}), as OSGi does. Hence at most two revisions of a behaviour bundle live at once.</li>
 * <li><b>Bundles that do not resolve.</b> A bundle declaring {@value RejectedBundle#BEHAVIOR_HEADER} that stays
 * INSTALLED is resolved once more; if that fails, why (the requirements nothing provides) is recorded against its
 * behaviour in {@link Rejections}; forgotten when it resolves or goes.</li>
 * <li><b>Jars that are not bundles.</b> The deploy directory ({@code felix.fileinstall.dir}) is scanned; a jar that
 * is not a bundle, which FileInstall only logs, is recorded with why; forgotten when it is removed or fixed.</li>
 * </ul>
 *
 * <p>Threading: framework events arrive on the framework's threads and only schedule work; the work (resolve,
 * refresh, scans) runs on this class's one thread, in order.
 */
final class BehaviorBundles implements BundleListener, ServiceListener {
    private static final Logger LOG = LoggerFactory.getLogger(BehaviorBundles.class);
    /** FileInstall resolves and starts what it installs: a bundle still INSTALLED after this is looked at. */
    private static final long RESOLVE_GRACE_MS = 1_000;
    /** Events come in bursts (stop, unregister, uninstall): one refresh after the burst. */
    private static final long REFRESH_DELAY_MS = 200;

    private final BundleContext context;
    private final FrameworkWiring wiring;
    private final Rejections rejections;
    private final Supplier<String> nodeId;
    private final Clock clock;
    private final Path deployDir;
    private final long scanMs;
    private final ScheduledExecutorService worker;
    private final BundleTracker<Bundle> tracker;
    /** Ids of the bundles that declared the behaviour header or registered an ActorBehavior service. */
    private final Set<Long> behaviorBundles = ConcurrentHashMap.newKeySet();
    private final AtomicLong refreshes = new AtomicLong();
    private DeployedJars deployed;

    BehaviorBundles(final BundleContext context, final Rejections rejections, final Supplier<String> nodeId,
                    final Clock clock) {
        this.context = context;
        this.wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        this.rejections = rejections;
        this.nodeId = nodeId;
        this.clock = clock;
        final String dir = context.getProperty("felix.fileinstall.dir");
        this.deployDir = dir == null || dir.isBlank() ? null : Path.of(dir);
        this.scanMs = pollOf(context.getProperty("felix.fileinstall.poll"));
        final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, job -> {
            final Thread thread = new Thread(job, "hamlet-behavior-bundles");
            thread.setDaemon(true);
            return thread;
        });
        // Started now, from activation, not later from a framework event on the stack of whatever caused it.
        executor.prestartAllCoreThreads();
        this.worker = executor;
        this.tracker = new BundleTracker<>(context, Bundle.INSTALLED | Bundle.RESOLVED | Bundle.STARTING
            | Bundle.ACTIVE | Bundle.STOPPING, null) {
            @Override
            public Bundle addingBundle(final Bundle bundle, final BundleEvent event) {
                if (behaviorOf(bundle) == null) {
                    return null;
                }
                behaviorBundles.add(bundle.getBundleId());
                stateChanged(bundle);
                return bundle;
            }

            @Override
            public void modifiedBundle(final Bundle bundle, final BundleEvent event, final Bundle tracked) {
                stateChanged(bundle);
            }

            @Override
            public void removedBundle(final Bundle bundle, final BundleEvent event, final Bundle tracked) {
                worker.execute(() -> rejections.forget(bundle.getLocation()));
            }
        };
    }

    void open() {
        context.addBundleListener(this);
        try {
            context.addServiceListener(this, "(objectClass=" + ActorBehavior.class.getName() + ")");
        } catch (final org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        tracker.open();
        if (deployDir != null) {
            deployed = new DeployedJars(deployDir);
            worker.scheduleWithFixedDelay(this::scanDeployDir, 0, scanMs, TimeUnit.MILLISECONDS);
        }
    }

    void close() {
        context.removeBundleListener(this);
        context.removeServiceListener(this);
        tracker.close();
        worker.shutdownNow();
    }

    /** @return how many refreshes this node asked for, for tests and logs */
    long refreshes() {
        return refreshes.get();
    }

    @Override
    public void serviceChanged(final ServiceEvent event) {
        if (event.getType() == ServiceEvent.REGISTERED) {
            behaviorBundles.add(event.getServiceReference().getBundle().getBundleId());
        }
    }

    @Override
    public void bundleChanged(final BundleEvent event) {
        if (event.getType() == BundleEvent.UNINSTALLED && behaviorBundles.contains(event.getBundle().getBundleId())) {
            worker.schedule(this::refreshPending, REFRESH_DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void stateChanged(final Bundle bundle) {
        if (bundle.getState() == Bundle.INSTALLED) {
            worker.schedule(() -> checkResolves(bundle), RESOLVE_GRACE_MS, TimeUnit.MILLISECONDS);
        } else {
            worker.execute(() -> rejections.forget(bundle.getLocation()));
        }
    }

    /** On the worker thread. */
    private void checkResolves(final Bundle bundle) {
        if (bundle.getState() != Bundle.INSTALLED) {
            return;
        }
        try {
            if (wiring.resolveBundles(Set.of(bundle))) {
                return;
            }
            final String reason = UnresolvedDiagnosis.of(bundle, wiring);
            rejections.refuse(new RejectedBundle(bundle.getLocation(), behaviorOf(bundle), bundle.getSymbolicName(),
                bundle.getVersion().toString(), reason, clock.instant()));
        } catch (final IllegalStateException | IllegalArgumentException e) {
            // Uninstalled meanwhile: nothing to tell.
            LOG.debug("[{}] bundle {} went while being checked: {}", nodeId.get(), bundle.getBundleId(), e.toString());
        }
    }

    /** On the worker thread: refreshes the uninstalled behaviour bundles the framework keeps, and nothing else. */
    private void refreshPending() {
        final Set<Bundle> ours = new HashSet<>();
        for (final Bundle pending : wiring.getRemovalPendingBundles()) {
            if (pending.getState() == Bundle.UNINSTALLED && behaviorBundles.contains(pending.getBundleId())) {
                ours.add(pending);
            }
        }
        if (ours.isEmpty()) {
            return;
        }
        final List<String> shown = ours.stream()
            .map(b -> b.getSymbolicName() + " " + b.getVersion() + " [" + b.getBundleId() + "]").sorted().toList();
        refreshes.incrementAndGet();
        LOG.info("[{}] refreshing the uninstalled behaviour bundles {} only, so that their revisions go", nodeId.get(),
            shown);
        wiring.refreshBundles(ours, event -> {
            if (event.getType() == FrameworkEvent.ERROR) {
                LOG.warn("[{}] refresh of {} failed: {}", nodeId.get(), shown, String.valueOf(event.getThrowable()));
            } else {
                ours.forEach(b -> behaviorBundles.remove(b.getBundleId()));
                LOG.info("[{}] refreshed {}", nodeId.get(), shown);
            }
        });
    }

    /** On the worker thread. */
    private void scanDeployDir() {
        try {
            deployed.scan(new DeployedJars.Listener() {
                @Override
                public void notABundle(final Path jar, final String problem) {
                    rejections.refuse(new RejectedBundle(locationOf(jar), null, null, null, problem,
                        clock.instant()));
                }

                @Override
                public void fine(final Path jar) {
                    rejections.forget(locationOf(jar));
                }
            });
        } catch (final RuntimeException e) {
            LOG.warn("[{}] scan of {} failed: {}", nodeId.get(), deployDir, e.toString());
        }
    }

    /** FileInstall's location of a file ({@code file:/dir/x.jar}), so that both kinds of refusal read alike. */
    static String locationOf(final Path jar) {
        return jar.toAbsolutePath().toFile().toURI().normalize().toString();
    }

    private static String behaviorOf(final Bundle bundle) {
        final String header = bundle.getHeaders("").get(RejectedBundle.BEHAVIOR_HEADER);
        return header == null || header.isBlank() ? null : header.trim();
    }

    private static long pollOf(final String poll) {
        try {
            return poll == null ? 2_000 : Math.max(100, Long.parseLong(poll.trim()));
        } catch (final NumberFormatException e) {
            return 2_000;
        }
    }
}

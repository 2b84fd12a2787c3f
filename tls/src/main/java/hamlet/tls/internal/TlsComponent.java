package hamlet.tls.internal;

import hamlet.api.metrics.MetricSource;
import hamlet.api.metrics.MetricWriter;
import hamlet.config.Sections;
import hamlet.tls.CertificateInfo;
import hamlet.tls.TlsService;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link TlsService} of the node: sections {@code hamlet.node} (its id) and {@code hamlet.tls} from
 * Configuration Admin; with TLS on, a {@link TlsRuntime} and a timer thread ({@code hamlet-<node>-tls}) that checks
 * the files every {@code check-interval}.
 *
 * <p>A node with TLS on whose files are missing or wrong does not start: under the Hamlet launcher the component
 * registers a boot veto with one line saying which file and why, and the launcher prints it and exits 2. Under
 * another launcher it logs that line and registers no service, so nothing opens a plain port in its place.
 */
@Component(configurationPid = {"hamlet.node", TlsSettings.SECTION}, configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true, service = {TlsService.class, MetricSource.class})
public final class TlsComponent implements TlsService, MetricSource {
    private static final Logger LOG = LoggerFactory.getLogger(TlsComponent.class);
    private static final String VETOES_REPORTED = "hamlet.boot.vetoes.reported";
    private static final String BOOT_VETO = "hamlet.boot.veto";

    private final AtomicLong checkFailures = new AtomicLong();
    private volatile TlsService current = DisabledTls.INSTANCE;
    private TlsRuntime runtime;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> checks;
    private Path confDir;
    private boolean enabledAtStart;

    @Activate
    void activate(final BundleContext context, final Map<String, Object> properties) {
        // The folder the config bundle resolves against too, so that the validator and this agree on every path.
        confDir = Sections.configFolder(context::getProperty);
        final TlsSettings settings = settings(properties);
        enabledAtStart = settings.enabled();
        if (!settings.enabled()) {
            LOG.info("[{}] TLS is off (hamlet.tls.enabled = false): links are plain ws://", settings.nodeId());
            return;
        }
        try {
            runtime = TlsRuntime.start(settings, Clock.systemUTC().instant());
        } catch (final IllegalArgumentException | IllegalStateException e) {
            final String hint = e instanceof IllegalArgumentException
                ? TlsSettingsValidator.hint((IllegalArgumentException) e, settings) : "";
            final String line = "TLS cannot start (hamlet.tls.enabled = true): " + e.getMessage() + hint;
            LOG.error("[{}] {}", settings.nodeId(), line);
            if (Boolean.parseBoolean(context.getProperty(VETOES_REPORTED))) {
                final ServiceRegistration<Object> veto = context.registerService(Object.class, new Object(),
                    new Hashtable<>(Map.of(BOOT_VETO, line)));
                LOG.debug("[{}] boot vetoed: {}", settings.nodeId(), veto);
            }
            throw e;
        }
        current = runtime;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "hamlet-" + settings.nodeId() + "-tls");
            t.setDaemon(true);
            return t;
        });
        schedule(settings);
    }

    private void schedule(final TlsSettings settings) {
        if (checks != null) {
            checks.cancel(false);
        }
        final long everyMs = settings.checkInterval().toMillis();
        checks = timer.scheduleWithFixedDelay(this::checkFiles, everyMs, everyMs, TimeUnit.MILLISECONDS);
    }

    /** Timer thread: survives whatever a check throws, and counts it. */
    private void checkFiles() {
        try {
            runtime.check(Clock.systemUTC().instant());
        } catch (final Throwable t) {
            if (checkFailures.incrementAndGet() == 1 || Long.bitCount(checkFailures.get()) == 1) {
                LOG.error("[{}] TLS file check failed ({} times so far): {}", runtime.settings().nodeId(),
                    checkFailures.get(), t.toString());
            }
        }
    }

    @Modified
    synchronized void modified(final Map<String, Object> properties) {
        final TlsSettings next = settings(properties);
        if (next.enabled() != enabledAtStart) {
            LOG.warn("[{}] hamlet.tls.enabled is now {}: it takes effect when the node restarts (TLS stays {})",
                next.nodeId(), next.enabled(), enabledAtStart ? "on" : "off");
        }
        if (runtime == null || !enabledAtStart) {
            return;
        }
        final TlsSettings was = runtime.settings();
        final TlsSettings kept = new TlsSettings(true, next.nodeId(), next.cert(), next.key(), next.ca(),
            next.keyPassword(), next.protocols(), next.cipherSuites(), next.checkInterval(), next.warnBefore());
        if (kept.equals(was)) {
            return;
        }
        try {
            runtime.apply(kept, Clock.systemUTC().instant());
        } catch (final IllegalArgumentException e) {
            LOG.error("[{}] the edit of hamlet.tls is refused, TLS goes on with what it had: {}", next.nodeId(),
                e.getMessage());
            return;
        }
        if (!kept.checkInterval().equals(was.checkInterval())) {
            schedule(kept);
        }
    }

    private TlsSettings settings(final Map<String, Object> properties) {
        return TlsSettings.from(Sections.fromProperties(properties, TlsComponent.class.getClassLoader()), confDir);
    }

    @Deactivate
    void deactivate() {
        if (timer != null) {
            timer.shutdownNow();
        }
        current = DisabledTls.INSTANCE;
        if (runtime != null) {
            runtime.stop();
        }
    }

    @Override
    public boolean enabled() {
        return current.enabled();
    }

    @Override
    public SslContextFactory.Server linkServer() {
        return current.linkServer();
    }

    @Override
    public SslContextFactory.Client linkClient() {
        return current.linkClient();
    }

    @Override
    public SslContextFactory.Server adminServer() {
        return current.adminServer();
    }

    @Override
    public List<CertificateInfo> certificates() {
        return current.certificates();
    }

    /** The tls bundle's metrics ({@link TlsMetrics}). Any thread. */
    @Override
    public void collect(final MetricWriter out) {
        TlsMetrics.collect(this, out);
    }

    @Override
    public long reloads() {
        return current.reloads();
    }

    @Override
    public long refusedReloads() {
        return current.refusedReloads();
    }
}

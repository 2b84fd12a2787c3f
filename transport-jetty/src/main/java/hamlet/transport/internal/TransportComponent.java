package hamlet.transport.internal;

import hamlet.api.NodeIdentity;
import hamlet.api.metrics.MetricSource;
import hamlet.api.metrics.MetricWriter;
import hamlet.api.transport.ControlReceiver;
import hamlet.api.transport.EnvelopeReceiver;
import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport;
import hamlet.api.transport.WireEnvelope;
import hamlet.config.Sections;
import hamlet.tls.TlsService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wires the transport: sections {@code hamlet.node}, {@code hamlet.cluster} and {@code hamlet.transport} from
 * Configuration Admin, the tls bundle's {@link TlsService} (always there: it says whether links use TLS), the
 * registry's {@link EnvelopeReceiver} when it is there, the {@link ControlReceiver}s of other bundles, and the
 * {@link Transport} service.
 *
 * <p>A live edit never restarts the transport: {@link JettyTransport#reconfigure} applies it to the running
 * listener and links, which keep their outboxes, windows and the node's uid, so peers see the same process and
 * nothing is dead-lettered or delivered twice because of an edit. The config bundle pushes each section on its own;
 * applying one section is one change, and applying the same settings again changes nothing.
 *
 * <p>The uid is {@link NodeIdentity#uidOf} of the framework's launch UUID: the same for every bundle of one run of the
 * node (a re-activation of this component keeps it, and the config bundle's NodeIdentity service shows it), new with
 * every start of the process.
 */
@Component(configurationPid = {TransportSettings.NODE, TransportSettings.CLUSTER, TransportSettings.SECTION},
    configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
    service = {Transport.class, MetricSource.class})
public final class TransportComponent implements Transport, MetricSource {
    private static final Logger LOG = LoggerFactory.getLogger(TransportComponent.class);

    /** Static and mandatory: the TLS mode is read once, at start, as {@code hamlet.tls.enabled} documents. */
    @Reference
    TlsService tls;

    private volatile EnvelopeReceiver receiver;
    private volatile JettyTransport transport;
    private final Map<ControlReceiver, Integer> controls = new IdentityHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindReceiver(final EnvelopeReceiver bound) {
        receiver = bound;
        final JettyTransport t = transport;
        if (t != null) {
            t.receiver(bound);
        }
    }

    void unbindReceiver(final EnvelopeReceiver unbound) {
        if (receiver == unbound) {
            receiver = null;
            final JettyTransport t = transport;
            if (t != null) {
                t.receiver(null);
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
        unbind = "unbindControl")
    void bindControl(final ControlReceiver bound) {
        synchronized (controls) {
            controls.put(bound, bound.channel());
        }
        publishControls();
    }

    void unbindControl(final ControlReceiver unbound) {
        synchronized (controls) {
            controls.remove(unbound);
        }
        publishControls();
    }

    private void publishControls() {
        final Map<Integer, ControlReceiver> byChannel = new HashMap<>();
        synchronized (controls) {
            controls.forEach((r, channel) -> byChannel.put(channel, r));
        }
        final JettyTransport t = transport;
        if (t != null) {
            t.controlReceivers(byChannel);
        }
    }

    @Activate
    void activate(final BundleContext context, final Map<String, Object> properties) throws Exception {
        final JettyTransport t = new JettyTransport(load(properties), System::nanoTime,
            NodeIdentity.uidOf(context == null ? null : context.getProperty(Constants.FRAMEWORK_UUID)), tls);
        t.receiver(receiver);
        t.start();
        transport = t;
        publishControls();
    }

    @Modified
    void modified(final Map<String, Object> properties) {
        final JettyTransport t = transport;
        final TransportSettings next;
        try {
            next = load(properties);
        } catch (final IllegalArgumentException e) {
            LOG.error("[{}] {}; the transport keeps its settings", t.selfId(), e.getMessage());
            return;
        }
        if (next.equals(t.settings())) {
            return;
        }
        final String problem = t.reconfigure(next);
        if (problem == null) {
            LOG.info("[{}] transport settings changed; applied to the running listener and links", next.nodeId());
        } else {
            LOG.error("[{}] transport settings changed, but {}", next.nodeId(), problem);
        }
    }

    @Deactivate
    void deactivate() {
        transport.stop();
    }

    private TransportSettings load(final Map<String, ?> properties) {
        try {
            return TransportSettings.from(Sections.fromProperties(properties, getClass().getClassLoader()),
                tls.enabled());
        } catch (final com.typesafe.config.ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public SendStatus send(final String node, final WireEnvelope envelope) {
        return transport.send(node, envelope);
    }

    @Override
    public List<PeerInfo> peers() {
        return transport.peers();
    }

    @Override
    public boolean sendControl(final String node, final int channel, final byte[] payload) {
        return transport.sendControl(node, channel, payload);
    }

    @Override
    public boolean sendControlTo(final String url, final int channel, final byte[] payload) {
        return transport.sendControlTo(url, channel, payload);
    }

    @Override
    public void forget(final String node, final String reason) {
        transport.forget(node, reason);
    }

    @Override
    public void dialNow(final String node, final String url) {
        transport.dialNow(node, url);
    }

    @Override
    public void reclaim(final String node, final java.util.function.Predicate<WireEnvelope> which,
                        final String reason) {
        transport.reclaim(node, which, reason);
    }

    @Override
    public void reclaimNow(final String node, final java.util.function.Predicate<WireEnvelope> which,
                           final String reason) {
        transport.reclaimNow(node, which, reason);
    }

    @Override
    public Map<String, Long> counters() {
        return transport.counters();
    }

    /** @return the running transport, for tests */
    JettyTransport running() {
        return transport;
    }

    /** The transport's metrics ({@link TransportMetrics}), nothing while it is stopped. Any thread. */
    @Override
    public void collect(final MetricWriter out) {
        final JettyTransport t = transport;
        if (t != null) {
            TransportMetrics.collect(t, out);
        }
    }
}

package hamlet.transport.internal;

import hamlet.api.transport.EnvelopeReceiver;
import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport;
import hamlet.api.transport.WireEnvelope;
import hamlet.config.Sections;
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

import java.util.List;
import java.util.Map;

/**
 * Wires the transport: sections {@code hamlet.node}, {@code hamlet.cluster} and {@code hamlet.transport} from
 * Configuration Admin, the registry's {@link EnvelopeReceiver} when it is there, and the {@link Transport} service.
 *
 * <p>A live edit that changes nothing the transport uses is ignored. One that changes only the links' bounds,
 * timeouts or retry count is applied to the running links. Any other edit replaces the running
 * {@link JettyTransport} with one built from the new settings and a new incarnation (peers then reset their
 * de-duplication window for this node); envelopes still in the old outboxes are handed back to the registry as
 * undeliverable, naming the edit.
 *
 * <p>A port that cannot be bound fails neither the activation nor an edit: the transport runs and dials, and
 * retries the bind on its timer (see {@link JettyTransport#start}), so the node is never left without a transport.
 */
@Component(configurationPid = {TransportSettings.NODE, TransportSettings.CLUSTER, TransportSettings.SECTION},
    configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true, service = Transport.class)
public final class TransportComponent implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(TransportComponent.class);

    private volatile EnvelopeReceiver receiver;
    private volatile JettyTransport transport;
    private long lastIncarnation;

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

    @Activate
    void activate(final Map<String, Object> properties) throws Exception {
        transport = start(load(properties));
    }

    @Modified
    void modified(final Map<String, Object> properties) throws Exception {
        final TransportSettings next;
        try {
            next = load(properties);
        } catch (final IllegalArgumentException e) {
            LOG.error("[{}] {}; the transport keeps its settings", transport.selfId(), e.getMessage());
            return;
        }
        final JettyTransport old = transport;
        if (next.equals(old.settings())) {
            return;
        }
        if (old.applyInPlace(next)) {
            LOG.info("[{}] transport settings changed; applied to the running links", next.nodeId());
            return;
        }
        LOG.info("[{}] transport settings changed; restarting the listener and links", next.nodeId());
        old.stop();
        transport = start(next);
    }

    @Deactivate
    void deactivate() {
        transport.stop();
    }

    private synchronized JettyTransport start(final TransportSettings settings) throws Exception {
        // A new incarnation for every start, strictly growing, so that peers never confuse two runs' sequences.
        lastIncarnation = Math.max(System.currentTimeMillis(), lastIncarnation + 1);
        final JettyTransport t = new JettyTransport(settings, System::nanoTime, lastIncarnation);
        t.receiver(receiver);
        t.start();
        return t;
    }

    private TransportSettings load(final Map<String, ?> properties) {
        try {
            return TransportSettings.from(Sections.fromProperties(properties, getClass().getClassLoader()));
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

    /** @return connections refused for breaking the protocol, by reason, since the transport started */
    public Map<String, Long> rejections() {
        return transport.rejections();
    }
}

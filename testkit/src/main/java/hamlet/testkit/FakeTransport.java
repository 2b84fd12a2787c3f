package hamlet.testkit;

import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport;
import hamlet.api.transport.WireEnvelope;

import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Transport for tests that carries nothing: the peers and counters it shows are set by the test, every send is
 * recorded and accepted (or refused with the status set by {@link #refuseWith}), control messages are recorded and
 * queued, and so are {@link #forget} and {@link #dialNow}. Thread-safe.
 */
public class FakeTransport implements Transport {
    /** What a {@link #send} was given. */
    public record Sent(String node, WireEnvelope envelope) {
    }

    /** What a {@link #sendControl} ({@code node} set) or {@link #sendControlTo} ({@code url} set) was given. */
    public record Control(String node, String url, int channel, byte[] payload) {
    }

    /** What a {@link #forget} was given. */
    public record Forgotten(String node, String reason) {
    }

    /** What a {@link #dialNow} was given. */
    public record DialNow(String node, String url) {
    }

    private final List<PeerInfo> peers = new CopyOnWriteArrayList<>();
    private final List<Forgotten> forgotten = new CopyOnWriteArrayList<>();
    private final List<DialNow> dialed = new CopyOnWriteArrayList<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final List<Control> controls = new CopyOnWriteArrayList<>();
    private volatile SendStatus status = SendStatus.ACCEPTED;

    /** Adds a peer that {@link #peers()} shows (they are shown sorted by node id, unknown ids first). */
    public FakeTransport peer(final PeerInfo peer) {
        peers.add(peer);
        return this;
    }

    /** Sets a counter that {@link #counters()} shows. */
    public synchronized FakeTransport counter(final String name, final long value) {
        counters.put(name, value);
        return this;
    }

    /** What every later {@link #send} answers (default {@link SendStatus#ACCEPTED}). */
    public FakeTransport refuseWith(final SendStatus answer) {
        this.status = answer;
        return this;
    }

    /** @return every send so far, oldest first (a live, read-only view) */
    public List<Sent> sent() {
        return Collections.unmodifiableList(sent);
    }

    /** @return every control message so far, oldest first (a live, read-only view) */
    public List<Control> controls() {
        return Collections.unmodifiableList(controls);
    }

    @Override
    public SendStatus send(final String node, final WireEnvelope envelope) {
        sent.add(new Sent(node, envelope));
        return status;
    }

    @Override
    public List<PeerInfo> peers() {
        return peers.stream()
            .sorted(Comparator.comparing(PeerInfo::node, Comparator.nullsFirst(Comparator.naturalOrder())))
            .toList();
    }

    @Override
    public boolean sendControl(final String node, final int channel, final byte[] payload) {
        controls.add(new Control(node, null, channel, payload.clone()));
        return true;
    }

    @Override
    public boolean sendControlTo(final String url, final int channel, final byte[] payload) {
        controls.add(new Control(null, url, channel, payload.clone()));
        return true;
    }

    /** @return every {@link #forget} so far, oldest first (a live, read-only view) */
    public List<Forgotten> forgotten() {
        return Collections.unmodifiableList(forgotten);
    }

    /** @return every {@link #dialNow} so far, oldest first (a live, read-only view) */
    public List<DialNow> dialed() {
        return Collections.unmodifiableList(dialed);
    }

    /** Records the call; nothing was buffered here, so nothing is handed back. */
    @Override
    public void forget(final String node, final String reason) {
        forgotten.add(new Forgotten(node, reason));
    }

    /** Records the call. */
    @Override
    public void dialNow(final String node, final String url) {
        dialed.add(new DialNow(node, url));
    }

    @Override
    public synchronized Map<String, Long> counters() {
        return new TreeMap<>(counters);
    }
}

package hamlet.registry.internal;

import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberStatus;
import hamlet.api.trace.TraceHop;
import hamlet.api.trace.TraceLog;
import hamlet.api.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The cluster side of {@link TraceLog}: asks every alive member for its hops of a trace id over the transport's
 * control lane (channel {@value #CHANNEL}) and merges the answers that come in time; answers the same question from
 * other nodes with this node's hops.
 *
 * <p>Wire (control lane, unreliable: a lost question or answer only leaves that node out):
 * <pre>
 *   question: u8 1 | i64 query id | i64 trace id
 *   answer:   u8 2 | i64 query id | u16 hop count | count x (i64 epoch micros | utf event | utf from | utf to |
 *             utf detail)          (utf: Java's modified UTF-8 with a u16 length; "" for none)
 * </pre>
 * An answer holds at most {@link TraceLog#MAX_HOPS_PER_NODE} hops, each text at most {@value #MAX_TEXT} characters,
 * and stops adding hops before it would pass {@link Transport#MAX_CONTROL_BYTES}. A node without a receiver on this
 * channel (one older than tracing) counts and drops the question, and is left out.
 *
 * <p>Threading: any thread; {@link #onControl} hands the work to {@code executor} (the dispatcher) and returns.
 */
public final class TraceQueries {
    /** The control-lane channel of trace questions (gossip has 1, the dashboard 2). */
    public static final int CHANNEL = 3;
    static final int MAX_TEXT = 200;
    private static final byte QUESTION = 1;
    private static final byte ANSWER = 2;
    private static final Logger LOG = LoggerFactory.getLogger(TraceQueries.class);

    private final String nodeId;
    private final TraceRecorder recorder;
    private final Supplier<Transport> transport;
    private final Supplier<Cluster> cluster;
    private final Executor executor;
    private final AtomicLong ids = new AtomicLong(ThreadLocalRandom.current().nextLong());
    private final ConcurrentHashMap<Long, Query> pending = new ConcurrentHashMap<>();

    /**
     * @param recorder this node's ring
     * @param transport the transport now, or null
     * @param cluster the membership now, or null
     * @param executor runs answers off the transport's thread
     */
    public TraceQueries(final TraceRecorder recorder, final Supplier<Transport> transport,
                        final Supplier<Cluster> cluster, final Executor executor) {
        this.nodeId = recorder.nodeId();
        this.recorder = recorder;
        this.transport = transport;
        this.cluster = cluster;
        this.executor = executor;
    }

    /** @return this node's hops of a trace id, at most {@link TraceLog#MAX_HOPS_PER_NODE} */
    public List<TraceHop> local(final long traceId) {
        return recorder.local(traceId, TraceLog.MAX_HOPS_PER_NODE);
    }

    /**
     * @param traceId the trace id
     * @param timeout how long to wait for the others
     * @return this node's hops and those of the alive members that answered in time, by time
     */
    public CompletionStage<List<TraceHop>> cluster(final long traceId, final Duration timeout) {
        final Transport link = transport.get();
        final Cluster members = cluster.get();
        final long queryId = ids.incrementAndGet();
        final Query query = new Query(traceId);
        query.add(local(traceId));
        if (link != null && members != null) {
            pending.put(queryId, query);
            final byte[] question = question(queryId, traceId);
            for (final Member member : members.members()) {
                if (member.status() != MemberStatus.ALIVE || member.id().equals(nodeId)) {
                    continue;
                }
                // Expected before it is asked: its answer can come before the next member is asked.
                query.expect(member.id());
                if (!link.sendControl(member.id(), CHANNEL, question)) {
                    query.answered(member.id(), List.of());
                }
            }
        }
        query.asked();
        if (query.complete()) {
            pending.remove(queryId);
        } else {
            CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS, executor).execute(() -> {
                pending.remove(queryId);
                query.done.complete(query.sorted());
            });
        }
        return query.done.thenApply(List::copyOf);
    }

    /**
     * A question or an answer from another node. Transport's delivery thread: hands off and returns.
     *
     * @param fromNode the node
     * @param payload the message
     */
    public void onControl(final String fromNode, final byte[] payload) {
        if (payload.length < 17) {
            LOG.debug("[{}] trace message from {} too short ({} bytes): dropped", nodeId, fromNode, payload.length);
            return;
        }
        executor.execute(() -> {
            try {
                handle(fromNode, payload);
            } catch (final IOException | RuntimeException e) {
                LOG.debug("[{}] malformed trace message from {}: {}", nodeId, fromNode, e.toString());
            }
        });
    }

    private void handle(final String fromNode, final byte[] payload) throws IOException {
        final DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        final byte kind = in.readByte();
        final long queryId = in.readLong();
        if (kind == QUESTION) {
            final long traceId = in.readLong();
            final Transport link = transport.get();
            if (link != null) {
                link.sendControl(fromNode, CHANNEL, answer(queryId, local(traceId)));
            }
            return;
        }
        if (kind != ANSWER) {
            return;
        }
        final Query query = pending.get(queryId);
        if (query == null) {
            return;
        }
        final int count = Math.min(in.readUnsignedShort(), TraceLog.MAX_HOPS_PER_NODE);
        final List<TraceHop> hops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final long micros = in.readLong();
            final String event = in.readUTF();
            final String from = in.readUTF();
            final String to = in.readUTF();
            final String detail = in.readUTF();
            hops.add(new TraceHop(query.traceId, fromNode, micros, event, from.isEmpty() ? null : from, to,
                detail.isEmpty() ? null : detail));
        }
        query.answered(fromNode, hops);
        if (query.complete()) {
            pending.remove(queryId);
        }
    }

    static byte[] question(final long queryId, final long traceId) {
        final byte[] bytes = new byte[17];
        bytes[0] = QUESTION;
        for (int i = 0; i < 8; i++) {
            bytes[1 + i] = (byte) (queryId >>> (56 - 8 * i));
            bytes[9 + i] = (byte) (traceId >>> (56 - 8 * i));
        }
        return bytes;
    }

    /** @return an answer that fits the control lane: hops are left out, newest kept, rather than pass its bound */
    static byte[] answer(final long queryId, final List<TraceHop> hops) {
        final List<byte[]> encoded = new ArrayList<>();
        int size = 1 + 8 + 2;
        for (int i = hops.size() - 1; i >= 0 && encoded.size() < TraceLog.MAX_HOPS_PER_NODE; i--) {
            final byte[] hop = hop(hops.get(i));
            if (size + hop.length > Transport.MAX_CONTROL_BYTES) {
                break;
            }
            size += hop.length;
            encoded.add(0, hop);
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(ANSWER);
            out.writeLong(queryId);
            out.writeShort(encoded.size());
            for (final byte[] hop : encoded) {
                out.write(hop);
            }
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] hop(final TraceHop hop) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(hop.epochMicros());
            out.writeUTF(cut(hop.event()));
            out.writeUTF(cut(hop.from()));
            out.writeUTF(cut(hop.to()));
            out.writeUTF(cut(hop.detail()));
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static String cut(final String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
    }

    /** One question's answers so far. */
    private static final class Query {
        final CompletableFuture<List<TraceHop>> done = new CompletableFuture<>();
        final long traceId;
        private final List<TraceHop> hops = new ArrayList<>();
        private final Set<String> waiting = new HashSet<>();
        private boolean allAsked;

        Query(final long traceId) {
            this.traceId = traceId;
        }

        synchronized void add(final List<TraceHop> more) {
            hops.addAll(more);
        }

        synchronized void expect(final String node) {
            waiting.add(node);
        }

        synchronized void asked() {
            allAsked = true;
        }

        /** Takes a node's answer once; a second, or one from a node not asked, is ignored. */
        synchronized void answered(final String node, final List<TraceHop> more) {
            if (waiting.remove(node)) {
                hops.addAll(more);
            }
        }

        /** @return whether every node asked has answered: then completes {@link #done} */
        boolean complete() {
            final List<TraceHop> all;
            synchronized (this) {
                if (!allAsked || !waiting.isEmpty()) {
                    return false;
                }
                all = sorted();
            }
            done.complete(all);
            return true;
        }

        synchronized List<TraceHop> sorted() {
            final List<TraceHop> all = new ArrayList<>(hops);
            all.sort(Comparator.comparingLong(TraceHop::epochMicros).thenComparing(TraceHop::node));
            return all;
        }
    }
}

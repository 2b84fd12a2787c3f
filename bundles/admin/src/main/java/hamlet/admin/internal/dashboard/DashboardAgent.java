package hamlet.admin.internal.dashboard;

import com.google.gson.JsonObject;
import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.ClusterListener;
import hamlet.api.transport.ControlReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The dashboard's one thread ({@code hamlet-<node>-dashboard}), which owns its {@link DashboardState}: once a second
 * it takes in the samples and cluster events that arrived, samples this node and sends the sample on, and pushes a
 * tick (and any new events) to the connected pages. Other threads only queue: the transport's delivery threads
 * ({@link #onControl}), the gossip bundle's notifier ({@link #onClusterEvent}), Jetty's threads ({@link #connect});
 * the two inboxes are bounded and what does not fit is counted and dropped (a sample is resent within a second
 * anyway; a lost event still shows in the members' states).
 */
public final class DashboardAgent implements ControlReceiver, ClusterListener {
    /** How often the dashboard samples and pushes. */
    static final long INTERVAL_MS = 1_000;
    /** Samples waiting between two ticks: far above a second's worth from {@link DashboardState#MAX_NODES}. */
    static final int INBOX = 1_024;

    private static final Logger LOG = LoggerFactory.getLogger(DashboardAgent.class);
    /** The events that change the members table, pushed at once. */
    private static final Set<ClusterEvent.Type> MEMBERSHIP = EnumSet.of(ClusterEvent.Type.JOINED,
        ClusterEvent.Type.ALIVE, ClusterEvent.Type.SUSPECT, ClusterEvent.Type.DEAD, ClusterEvent.Type.LEFT,
        ClusterEvent.Type.REMOVED, ClusterEvent.Type.MINORITY, ClusterEvent.Type.MAJORITY);

    private record Inbound(String from, byte[] payload, long atMillis) {
    }

    private record Event(ClusterEvent event, long atMillis) {
    }

    private final String selfId;
    private final DashboardState state;
    private final EventStream stream;
    private final LongSupplier wallMillis;
    private final LongSupplier nanos;
    private final BlockingQueue<Inbound> samples = new ArrayBlockingQueue<>(INBOX);
    private final BlockingQueue<Event> events = new ArrayBlockingQueue<>(INBOX);
    private final AtomicLong inboxDropped = new AtomicLong();
    /** Set while a push between ticks is queued on the thread: a burst of member events makes one. */
    private final AtomicBoolean pushPending = new AtomicBoolean();
    private long failures;
    private ScheduledExecutorService thread;

    /**
     * @param selfId this node's id
     * @param state what the dashboard keeps; from now on touched only by this agent's thread
     * @param stream the connected pages
     * @param wallMillis the wall clock
     * @param nanos the monotonic clock
     */
    public DashboardAgent(final String selfId, final DashboardState state, final EventStream stream,
                          final LongSupplier wallMillis, final LongSupplier nanos) {
        this.selfId = selfId;
        this.state = state;
        this.stream = stream;
        this.wallMillis = wallMillis;
        this.nanos = nanos;
    }

    /** Starts the thread: the first tick at once, then one a second. */
    public synchronized void start() {
        final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            final Thread t = new Thread(runnable, "hamlet-" + selfId + "-dashboard");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.scheduleAtFixedRate(this::tick, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
        thread = executor;
    }

    /** Stops the thread and ends every stream. */
    public void stop() {
        final ScheduledExecutorService running;
        synchronized (this) {
            running = thread;
            thread = null;
        }
        if (running != null) {
            running.shutdownNow();
        }
        // Outside the lock: closing the pages completes Jetty's callbacks.
        stream.closeAll();
    }

    @Override
    public int channel() {
        return SampleCodec.CHANNEL;
    }

    @Override
    public void onControl(final String fromNode, final byte[] payload) {
        if (!samples.offer(new Inbound(fromNode, payload, wallMillis.getAsLong()))) {
            inboxDropped.incrementAndGet();
        }
    }

    @Override
    public void onClusterEvent(final ClusterEvent event) {
        if (!events.offer(new Event(event, wallMillis.getAsLong()))) {
            inboxDropped.incrementAndGet();
            return;
        }
        // A member's change is shown at once rather than at the next tick (a suspicion may last less than a
        // second); a burst of them makes one extra push, and directory news waits for the tick.
        if (MEMBERSHIP.contains(event.type()) && pushPending.compareAndSet(false, true)) {
            final ScheduledExecutorService running;
            synchronized (this) {
                running = thread;
            }
            try {
                if (running != null) {
                    running.execute(this::pushNow);
                    return;
                }
            } catch (final RejectedExecutionException stopping) {
                // stopping: nothing to push to
            }
            pushPending.set(false);
        }
    }

    /** Between two ticks: takes in the cluster events and pushes members and events to the pages. */
    void pushNow() {
        pushPending.set(false);
        try {
            takeEvents();
            publish();
        } catch (final Throwable t) {
            failed(t);
        }
    }

    /**
     * A page connected: on the dashboard's thread, it gets everything kept ({@code init}) and then each tick.
     *
     * @param client the opened stream
     * @return false when the dashboard is not running (the caller ends the stream)
     */
    public boolean connect(final EventStream.Client client) {
        final ScheduledExecutorService running;
        synchronized (this) {
            running = thread;
        }
        if (running == null) {
            return false;
        }
        try {
            running.execute(() -> {
                final JsonObject init = state.init(wallMillis.getAsLong());
                init.getAsJsonObject("counters").addProperty("clients", stream.clients() + 1);
                stream.send(client, "init", init.toString());
                stream.join(client);
            });
            return true;
        } catch (final RejectedExecutionException e) {
            return false;
        }
    }

    /** @return the samples and events dropped because an inbox was full */
    long inboxDropped() {
        return inboxDropped.get();
    }

    private JsonObject tickJson() {
        final JsonObject json = state.tickJson(wallMillis.getAsLong());
        final JsonObject counters = json.getAsJsonObject("counters");
        counters.addProperty("inboxDropped", inboxDropped.get());
        counters.addProperty("clients", stream.clients());
        counters.addProperty("clientsRefused", stream.refused());
        counters.addProperty("clientsDroppedSlow", stream.droppedSlow());
        return json;
    }

    /** One second's work; package-private so that tests run it without the thread. */
    void tick() {
        try {
            final int backlog = samples.size() + events.size();
            for (int i = 0; i < backlog; i++) {
                final Inbound sample = samples.poll();
                if (sample == null) {
                    break;
                }
                state.onSample(sample.from(), sample.payload(), sample.atMillis());
            }
            takeEvents();
            state.tick(wallMillis.getAsLong(), nanos.getAsLong());
            publish();
        } catch (final Throwable t) {
            // A tick that throws must not end the schedule (scheduleAtFixedRate stops at the first exception).
            failed(t);
        }
    }

    private void takeEvents() {
        for (Event event = events.poll(); event != null; event = events.poll()) {
            state.onClusterEvent(event.event(), event.atMillis());
        }
    }

    private void publish() {
        if (stream.clients() > 0) {
            stream.publish("tick", tickJson().toString());
        }
        final List<DashboardEvent> fresh = state.newEvents();
        if (!fresh.isEmpty()) {
            stream.publish("events", DashboardState.eventsJson(fresh).toString());
        }
    }

    private void failed(final Throwable t) {
        failures++;
        if (failures == 1 || Long.bitCount(failures) == 1) {
            LOG.warn("[{}] the dashboard's tick failed ({} so far): {}", selfId, failures, t.toString(), t);
        }
    }
}

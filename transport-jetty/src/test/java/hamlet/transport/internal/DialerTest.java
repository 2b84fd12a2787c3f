package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The dialer as a plain state machine: no sockets, time passed in by hand. */
class DialerTest {
    private static final String SEED = "ws://127.0.0.1:7701/hamlet";
    private final Set<String> linked = new HashSet<>();
    private long nowNs = 1_000_000_000L;

    private Dialer dialer(final int maxUnknown, final String... seeds) {
        final TransportSettings t = TransportSettings.localTest("node-a", 0, List.of(seeds),
            TransportSettings.DEFAULT_OUTBOX_MAX_BYTES, TransportSettings.DEFAULT_NODE_OUTBOX_MAX_BYTES, 256, 8,
            false, maxUnknown);
        return new Dialer(t, () -> 0.5);
    }

    private List<String> due(final Dialer d) {
        final List<String> urls = new ArrayList<>();
        for (final Dialer.Target t : d.due(nowNs, linked::contains)) {
            urls.add(t.url());
        }
        return urls;
    }

    @Test
    void shouldDialSeedsUntilLinkedAndBackOffAfterAFailure() {
        final Dialer d = dialer(4, SEED);
        assertEquals(List.of(SEED), due(d));
        assertEquals(List.of(), due(d), "one dial at a time per URL");
        d.ended(d.target(SEED), nowNs);
        assertEquals(List.of(), due(d), "waits out its backoff");
        nowNs += 1_000_000_000L;
        assertEquals(List.of(SEED), due(d));
        d.linked(d.target(SEED), "node-b");
        linked.add("node-b");
        nowNs += 10_000_000_000L;
        assertEquals(List.of(), due(d), "a linked node is not dialed");
        assertTrue(d.isSeedNode("node-b"));
    }

    /** Moves time on a millisecond at a time until the seed is due again (marking it dialed); returns how long. */
    private long msUntilDue(final Dialer d) {
        for (long ms = 1; ms <= 60_000; ms++) {
            nowNs += 1_000_000L;
            if (!due(d).isEmpty()) {
                return ms;
            }
        }
        throw new AssertionError("not due within a minute");
    }

    @Test
    void shouldBackOffFromAPeerThatKeepsClosingNotReadyAndRedialQuicklyOnceALinkWasReady() {
        final Dialer d = dialer(4, SEED);
        assertEquals(List.of(SEED), due(d));
        final List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            d.linked(d.target(SEED), "node-b");
            d.ended(d.target(SEED), nowNs, true);
            waits.add(msUntilDue(d));
        }
        assertTrue(waits.get(0) < waits.get(1) && waits.get(1) < waits.get(2) && waits.get(2) < waits.get(3),
            "a handshake with a peer that then says it is not ready is no reason to redial at once: " + waits);

        d.linked(d.target(SEED), "node-b");
        d.ended(d.target(SEED), nowNs, false);
        assertEquals(waits.get(0), msUntilDue(d), "a link that served, then ended, is redialed after the first delay");
        d.ended(d.target(SEED), nowNs);
        assertEquals(waits.get(1), msUntilDue(d), "a dial that failed after it waits longer");
    }

    @Test
    void shouldNeverDialItsOwnUrlAgain() {
        final Dialer d = dialer(4, SEED);
        assertEquals(List.of(SEED), due(d));
        d.self(d.target(SEED));
        nowNs += 60_000_000_000L;
        assertEquals(List.of(), due(d));
    }

    @Test
    void shouldBoundUrlsFromHandshakesDroppingTheOldestUnlinked() {
        final Dialer d = dialer(2, SEED);
        assertTrue(d.learn("ghost-1", "ws://127.0.0.1:1/hamlet", linked::contains));
        assertTrue(d.learn("ghost-2", "ws://127.0.0.1:2/hamlet", linked::contains));
        assertTrue(d.learn("ghost-3", "ws://127.0.0.1:3/hamlet", linked::contains), "the oldest unlinked makes room");
        assertEquals(3, d.all().size(), "the seed and two unverified URLs");
        linked.add("ghost-2");
        linked.add("ghost-3");
        assertFalse(d.learn("ghost-4", "ws://127.0.0.1:4/hamlet", linked::contains), "no room: all are linked");
        d.forgetNode("ghost-2");
        assertTrue(d.learn("ghost-4", "ws://127.0.0.1:4/hamlet", linked::contains));
    }

    @Test
    void shouldTakeNewSeedsAtOnceAndDropRemovedOnesThatNeverAnswered() {
        final Dialer d = dialer(4, SEED);
        d.seeds(List.of("ws://127.0.0.1:7702/hamlet"));
        assertEquals(List.of("ws://127.0.0.1:7702/hamlet"), due(d));
        assertEquals(1, d.all().size(), "the old seed, never answered, is gone");
    }
    @Test
    void shouldDialANodeMembershipSaysIsBackWithoutWaitingOutItsBackoff() {
        final Dialer d = dialer(4);
        final String url = "ws://127.0.0.1:7702/hamlet";
        assertTrue(d.learn("node-b", url, linked::contains));
        for (int i = 0; i < 10; i++) {
            assertEquals(List.of(url), due(d));
            d.ended(d.target(url), nowNs);
            nowNs += 60_000_000_000L;
        }
        d.ended(d.target(url), nowNs);
        nowNs += 1_000_000L;
        assertEquals(List.of(), due(d), "ten failures: a long backoff ahead");

        assertEquals(1, d.dialNow("node-b", null, nowNs, linked::contains));
        assertEquals(List.of(url), due(d), "due at once");
        assertEquals(0, d.dialNow("node-b", null, nowNs, linked::contains), "a dial under way is left alone");
        d.ended(d.target(url), nowNs);
        nowNs += 21_000_000L;
        assertEquals(List.of(url), due(d), "and the backoff starts again from its smallest step (20 ms)");
    }

    @Test
    void shouldLearnAUrlMembershipGivesAndForgetANodeForGoodExceptItsSeed() {
        final Dialer d = dialer(4, SEED);
        assertEquals(List.of(SEED), due(d));
        d.linked(d.target(SEED), "node-b");
        linked.add("node-b");
        final String other = "ws://127.0.0.1:7709/hamlet";
        assertEquals(1, d.dialNow("node-c", other, nowNs, linked::contains), "a URL not known yet is learned");
        assertEquals(List.of(other), due(d), "the dial is under way");

        d.forgetNodeForGood("node-c");
        d.forgetNodeForGood("node-b");
        assertEquals(List.of(SEED), d.all().stream().map(Dialer.Target::url).toList(),
            "node-c's URL is gone, a dial under way included; the seed stays");
    }

    @Test
    void shouldTakeEditedBackoffBoundsForTargetsItKnewAlready() {
        final Dialer d = new Dialer(settings("hamlet.transport.reconnect-backoff-min = 1s\n"
            + "hamlet.transport.reconnect-backoff-max = 5m\n"), () -> 0.5);
        final Dialer.Target seed = d.target(SEED);
        for (int i = 0; i < 12; i++) {
            assertEquals(List.of(SEED), due(d));
            d.ended(seed, nowNs);
            nowNs += 301_000_000_000L;
        }
        assertEquals(List.of(SEED), due(d));
        d.ended(seed, nowNs);
        nowNs += 10_000_000_000L;
        assertEquals(List.of(), due(d), "after 12 failures the seed waits minutes");
        d.apply(settings("hamlet.transport.reconnect-backoff-min = 100ms\n"
            + "hamlet.transport.reconnect-backoff-max = 2s\n"));
        assertEquals(List.of(), due(d), "the delay in progress is kept");
        nowNs += 301_000_000_000L;
        assertEquals(List.of(SEED), due(d));
        d.ended(seed, nowNs);
        nowNs += 2_000_000_000L;
        assertEquals(List.of(SEED), due(d), "the next delay is within the edited maximum of 2 s");
    }

    private static TransportSettings settings(final String keys) {
        return TransportSettings.from(com.typesafe.config.ConfigFactory.parseString(
                "hamlet.node { id = node-a, host = \"127.0.0.1\", port = 0 }\n"
                    + "hamlet.cluster.seeds = [\"" + SEED + "\"]\n" + keys)
            .withFallback(com.typesafe.config.ConfigFactory.parseResources(DialerTest.class.getClassLoader(),
                "reference.conf"))
            .resolve());
    }
}

package hamlet.registry.internal;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry's own wire for cluster actors (stamps, codec 5; placement messages, codec 6), the record of handled
 * messages, and the config of placement and failover.
 */
class ClusterWireTest {
    @Test
    void shouldRoundTripAStampAndRefuseEveryTruncation() {
        final Stamp stamp = new Stamp("node-7", 0x1234_5678_9abcL, 42, true);
        final byte[] wrapped = stamp.wrap(CodecRegistry.STRING, "hello".getBytes(StandardCharsets.UTF_8));
        final Stamp.Unwrapped back = Stamp.unwrap(wrapped);
        assertEquals(stamp, back.stamp());
        assertEquals(CodecRegistry.STRING, back.codecId());
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), back.payload());
        for (int length = 0; length < wrapped.length - 5; length++) {
            final byte[] cut = Arrays.copyOf(wrapped, length);
            assertThrows(IllegalArgumentException.class, () -> Stamp.unwrap(cut), "length " + length);
        }
    }

    @Test
    void shouldRoundTripPlacementMessagesAndRefuseMalformedOnes() {
        final PlacementWire copy = new PlacementWire(PlacementWire.Type.REPLICA, "job-router", 3, 17,
            "{\"state\":{\"n\":1},\"seen\":{}}");
        assertEquals(copy, PlacementWire.decode(copy.encode()));
        final PlacementWire ack = new PlacementWire(PlacementWire.Type.REPLICA_ACK, "job-router", 3, 17, null);
        assertEquals(ack, PlacementWire.decode(ack.encode()));
        final byte[] bytes = copy.encode();
        for (int length = 0; length < bytes.length; length++) {
            final byte[] cut = Arrays.copyOf(bytes, length);
            assertThrows(IllegalArgumentException.class, () -> PlacementWire.decode(cut), "length " + length);
        }
        final Random random = new Random(9);
        for (int i = 0; i < 5_000; i++) {
            final byte[] noise = bytes.clone();
            noise[random.nextInt(noise.length)] = (byte) random.nextInt();
            try {
                PlacementWire.decode(noise);
            } catch (final IllegalArgumentException expected) {
                // Malformed is the only failure allowed.
            }
        }
    }

    @Test
    void shouldKnowEachHandledMessageOnceEvenOutOfOrderAndAcrossACopy() {
        final SeenSequences seen = new SeenSequences();
        assertTrue(seen.firstTime(new Stamp("a", 1, 1, false)));
        assertTrue(seen.firstTime(new Stamp("a", 1, 3, false)));
        assertFalse(seen.firstTime(new Stamp("a", 1, 3, false)));
        assertTrue(seen.firstTime(new Stamp("a", 1, 2, false)));
        assertTrue(seen.firstTime(new Stamp("a", 2, 1, false)), "another run of the same node");
        final SeenSequences copied = SeenSequences.fromJson(seen.toJson());
        assertFalse(copied.firstTime(new Stamp("a", 1, 2, false)));
        assertFalse(copied.firstTime(new Stamp("a", 2, 1, false)));
        assertTrue(copied.firstTime(new Stamp("a", 1, 4, false)));
        assertTrue(SeenSequences.fromJson(com.google.gson.JsonParser.parseString("{\"x\":\"junk\"}"))
            .firstTime(new Stamp("x", 1, 1, false)));
    }

    @Test
    void shouldReadPlacementAndRefuseWhatDoesNotFit() {
        final ActorsSettings settings = ActorsSettings.from(ConfigFactory.parseString(
            "hamlet.actors { a { behavior = b, placement = cluster }, w { behavior = b, placement = spread, "
                + "instances = 3, group = g }, n { behavior = b, placement = node } }"));
        assertEquals(java.util.Set.of("n"), settings.specs().keySet());
        assertEquals(java.util.Set.of("a", "w-1", "w-2", "w-3"), settings.cluster().keySet());
        assertEquals("g", settings.cluster().get("w-2").spec().group());
        assertFalse(settings.cluster().get("a").spread());
        assertRefused("hamlet.actors.a.instances is not allowed with placement = cluster",
            "hamlet.actors { a { behavior = b, placement = cluster, instances = 2 } }");
        assertRefused("hamlet.actors.a.instances is missing",
            "hamlet.actors { a { behavior = b, placement = spread } }");
        assertRefused("hamlet.actors.a.placement must be node, cluster or spread, got 'everywhere'",
            "hamlet.actors { a { behavior = b, placement = everywhere } }");
    }

    @Test
    void shouldReadFailoverSettingsAndNameTheBadKey() {
        final FailoverSettings defaults = FailoverSettings.defaults();
        assertTrue(defaults.replicateEveryMessage());
        assertEquals(1024 * 1024, defaults.maxStateBytes());
        assertEquals(10_000, defaults.holdMax());
        assertEquals(30_000_000_000L, defaults.holdMaxAgeNs());
        final FailoverSettings interval = FailoverSettings.from(ConfigFactory.parseString(
            "hamlet.failover.replicate = 500ms"));
        assertEquals(500_000_000L, interval.replicateIntervalNs());
        assertTrue(FailoverSettings.from(ConfigFactory.parseString("hamlet.failover.replicate = off"))
            .replicateOff());
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> FailoverSettings.from(ConfigFactory.parseString("hamlet.failover.replicate = sometimes")));
        assertTrue(bad.getMessage().startsWith("hamlet.failover.replicate"), bad.getMessage());
        final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
            () -> FailoverSettings.from(ConfigFactory.parseString("hamlet.failover.hold-max = -1")));
        assertTrue(negative.getMessage().startsWith("hamlet.failover.hold-max"), negative.getMessage());
    }

    private static void assertRefused(final String expected, final String hocon) {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> ActorsSettings.from(ConfigFactory.parseString(hocon)));
        assertTrue(refused.getMessage().startsWith(expected), refused.getMessage());
    }
}

package hamlet.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressTest {
    @Test
    void shouldParseNodeAndName() {
        final Address address = Address.parse("node2:worker_01");
        assertEquals("node2", address.node());
        assertEquals("worker_01", address.name());
        assertFalse(address.isGroup());
        assertTrue(address.isLocalTo("node2"));
        assertFalse(address.isLocalTo("node1"));
    }

    @Test
    void shouldParseNameAloneAsLocationTransparent() {
        final Address address = Address.parse("worker-7");
        assertNull(address.node());
        assertEquals("worker-7", address.name());
        assertTrue(address.isLocalTo("any-node"));
    }

    @Test
    void shouldParseGroup() {
        final Address address = Address.parse("*:worker");
        assertTrue(address.isGroup());
        assertNull(address.node());
        assertEquals("worker", address.name());
        assertFalse(address.isLocalTo("node1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"node2:worker_01", "echo", "*:worker", "a:b"})
    void shouldPrintWhatItParses(final String text) {
        assertEquals(text, Address.parse(text).toString());
        assertEquals(Address.parse(text), Address.parse(Address.parse(text).toString()));
    }

    @Test
    void shouldBuildTheSameAddressAsItParses() {
        assertEquals(Address.parse("n1:a"), Address.of("n1", "a"));
        assertEquals(Address.parse("a"), Address.named("a"));
        assertEquals(Address.parse("*:g"), Address.group("g"));
        assertEquals(Address.parse("n1:a").hashCode(), Address.of("n1", "a").hashCode());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|address is empty",
        "a:b:c|more than one ':'",
        ":echo|node id '' in address ':echo' is empty",
        "node1:|actor name '' in address 'node1:' is empty",
        "*:|group name '' in address '*:' is empty",
        "node 1:echo|node id 'node 1' in address 'node 1:echo' has ' ' at position 4",
        "-echo|must start with a letter or digit",
        "ec/ho|has '/' at position 2",
        "*:*|group name '*'",
    })
    void shouldRejectMalformedAddressesSayingWhatIsWrong(final String text, final String expected) {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Address.parse(text));
        assertTrue(error.getMessage().contains(expected), () -> "message was: " + error.getMessage());
    }

    @Test
    void shouldRejectNull() {
        assertThrows(IllegalArgumentException.class, () -> Address.parse(null));
    }

    @Test
    void shouldRejectOverlongNames() {
        final String tooLong = "a".repeat(Address.MAX_NAME_LENGTH + 1);
        assertTrue(Address.isValidName("a".repeat(Address.MAX_NAME_LENGTH)));
        final IllegalArgumentException error =
            assertThrows(IllegalArgumentException.class, () -> Address.parse(tooLong));
        assertTrue(error.getMessage().contains("longer than 128"));
    }

    @Test
    void shouldRejectInvalidPartsInFactories() {
        assertThrows(IllegalArgumentException.class, () -> Address.of("node1", "bad name"));
        assertThrows(IllegalArgumentException.class, () -> Address.named(""));
        assertThrows(IllegalArgumentException.class, () -> Address.group("a:b"));
    }
}

package hamlet.gossip.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Membership's URLs are the transport's: with TLS a member advertises wss:// and its seeds are read as wss://, so
 * that a seed is recognised as the member that answers there (and a node as its own seed).
 */
class NodeUrlsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:7701              | false | ws://127.0.0.1:7701/hamlet",
        "ws://127.0.0.1:7701         | false | ws://127.0.0.1:7701/hamlet",
        "127.0.0.1:7701              | true  | wss://127.0.0.1:7701/hamlet",
        "ws://127.0.0.1:7701/hamlet  | true  | wss://127.0.0.1:7701/hamlet",
        "wss://Node2.Example:7702    | true  | wss://node2.example:7702/hamlet",
        "WSS://[::1]:7701/hamlet     | true  | wss://[::1]:7701/hamlet",
    })
    void shouldPutASeedInTheFormOfTheNodesMode(final String seed, final boolean tls, final String url) {
        assertEquals(url, NodeUrls.canonical(seed, tls));
    }

    @Test
    void shouldAdvertiseTheSchemeOfTheNodesMode() {
        assertEquals("ws://127.0.0.1:7701/hamlet", NodeUrls.of("127.0.0.1", 7701, false));
        assertEquals("wss://127.0.0.1:7701/hamlet", NodeUrls.of("127.0.0.1", 7701, true));
        assertEquals("wss://[::1]:7701/hamlet", NodeUrls.of("::1", 7701, true));
    }

    @Test
    void shouldRefuseATlsSeedWithoutTlsAndWhatIsNoNodeAddress() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> NodeUrls.canonical("wss://x:1", false));
        assertTrue(e.getMessage().contains("hamlet.tls.enabled = false"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NodeUrls.canonical("wss://x", true));
        assertThrows(IllegalArgumentException.class, () -> NodeUrls.canonical("http://x:1", true));
        assertThrows(IllegalArgumentException.class, () -> NodeUrls.canonical(null, true));
    }
}

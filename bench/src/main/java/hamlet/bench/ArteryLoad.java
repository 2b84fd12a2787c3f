package hamlet.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The control protocol of {@link ArteryBench}'s actors. What they share with Hamlet's load bundle (the numbered
 * body, the sequence check, the histograms as they travel) is not copied here: they use the bundle's own classes
 * (hamlet.example.load), so that both sides measure the very same thing.
 *
 * <p>Every message on the wire is a {@code byte[]} (Pekko's ByteArraySerializer, the load) or a {@code String}
 * (pekko-remote's primitive-string serializer, the control), so no Java serialization is involved.
 */
final class ArteryLoad {
    private ArteryLoad() {
    }

    /**
     * A reply to a control message: {@code key=value} pairs joined by {@code ;}. Values are numbers, paths or
     * Base64 (whose {@code =} padding is safe: only the first {@code =} of a pair splits it).
     */
    static String reply(final Map<String, Object> fields) {
        final StringBuilder out = new StringBuilder();
        fields.forEach((k, v) -> out.append(out.length() == 0 ? "" : ";").append(k).append('=').append(v));
        return out.toString();
    }

    static Map<String, String> parse(final String reply) {
        final Map<String, String> out = new LinkedHashMap<>();
        for (final String pair : reply.split(";")) {
            final int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return out;
    }
}

package hamlet.api;

import java.time.Instant;

/**
 * A behaviour jar the node could not take: not a bundle at all, or a bundle that does not resolve. Whatever
 * version of its behaviour served before keeps serving; operators see why here until the jar is removed or fixed.
 *
 * @param location where it came from: the file in {@code deploy/}, or the bundle's location
 * @param behavior the behaviour it declares (manifest header {@value #BEHAVIOR_HEADER}), or {@code null} when not
 *     known (a jar that is not a bundle)
 * @param bundle its symbolic name, or {@code null} when it has none
 * @param version its bundle version, or {@code null} when it has none
 * @param reason why it was refused, in a sentence
 * @param at when it was noticed
 * @since 1.1
 */
public record RejectedBundle(String location, String behavior, String bundle, String version, String reason,
                             Instant at) {
    /** The manifest header a behaviour bundle names its behaviour with, so that a failure can be told against it. */
    public static final String BEHAVIOR_HEADER = "Hamlet-Behavior";
}

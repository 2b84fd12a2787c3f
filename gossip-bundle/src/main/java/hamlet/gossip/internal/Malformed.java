package hamlet.gossip.internal;

/** A gossip message broke a rule of the wire format: it is dropped and counted, never applied. */
public final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param why which rule it broke */
    public Malformed(final String why) {
        super(why, null, false, false);
    }
}

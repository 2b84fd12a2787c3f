package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.Address;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * A ref to an address: a local actor, a group, or an actor on another node. Resolved at each send, so a ref made
 * before its actor exists, or kept across a stop and a new spawn of the same name, sends to whoever has the name
 * then. For a local actor it remembers the cell it found, and looks again only once that cell is retired.
 *
 * <p>Threading: any thread. The remembered cell is a hint; racing sends each find a right one.
 */
final class AddressRef implements ActorRef {
    private final LocalActorSystem system;
    private final Address address;
    /** The local actor last found at this address, or null. */
    volatile ActorCell cell;

    AddressRef(final LocalActorSystem system, final Address address, final ActorCell cell) {
        this.system = system;
        this.address = address;
        this.cell = cell;
    }

    @Override
    public Address address() {
        return address;
    }

    @Override
    public void tell(final Object body) {
        system.send(this, body, null);
    }

    @Override
    public void tell(final Object body, final ActorRef sender) {
        system.send(this, body, sender);
    }

    /**
     * {@inheritDoc}
     *
     * <p>On this runtime a {@code null} timeout means {@code hamlet.registry.ask.default-timeout}.
     */
    @Override
    public CompletionStage<Object> ask(final Object body, final Duration timeout) {
        return system.ask(this, body, timeout);
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof AddressRef && ((AddressRef) other).system == system
            && ((AddressRef) other).address.equals(address);
    }

    @Override
    public int hashCode() {
        return address.hashCode();
    }

    @Override
    public String toString() {
        return "ActorRef(" + address + ")";
    }
}

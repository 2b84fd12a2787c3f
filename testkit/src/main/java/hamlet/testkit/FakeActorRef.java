package hamlet.testkit;

import hamlet.api.ActorRef;
import hamlet.api.Address;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A ref that records what it is told, so a test can play the actor at the other end. Asks are not answered unless a
 * subclass says how ({@link FakeActorSystem}'s refs do). Safe to tell from several threads.
 */
public class FakeActorRef implements ActorRef {
    /** What a ref was told, and by whom ({@code null}: no sender). */
    public record Received(Object body, ActorRef sender) {
    }

    private final Address address;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    /** A ref to {@code name} on node {@value FakeActorSystem#NODE}. */
    public FakeActorRef(final String name) {
        this(Address.of(FakeActorSystem.NODE, name));
    }

    public FakeActorRef(final Address address) {
        this.address = address;
    }

    @Override
    public Address address() {
        return address;
    }

    @Override
    public void tell(final Object body) {
        tell(body, null);
    }

    @Override
    public void tell(final Object body, final ActorRef sender) {
        received.add(new Received(body, sender));
    }

    @Override
    public CompletionStage<Object> ask(final Object body, final Duration timeout) {
        throw new UnsupportedOperationException("this fake ref to " + address + " does not answer asks");
    }

    /** @return everything told so far, oldest first (a live, read-only view) */
    public List<Received> received() {
        return Collections.unmodifiableList(received);
    }

    /** @return the body of the last message told */
    public Object last() {
        if (received.isEmpty()) {
            throw new AssertionError(address + " was told nothing");
        }
        return received.get(received.size() - 1).body();
    }

    @Override
    public String toString() {
        return "FakeActorRef[" + address + "]";
    }
}

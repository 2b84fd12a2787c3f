package hamlet.registry.internal;

import hamlet.api.ActorContext;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.ActorSystem;
import hamlet.api.DeadLetter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an actor sees of the runtime. One per actor, reused for every call.
 *
 * <p>Threading: used by the thread running the actor's turn only (as the SPI says); the current message is set
 * around each onMessage call by {@link ActorCell}.
 */
final class CellContext implements ActorContext {
    private static final String NO_SENDER = "(no sender)";

    private final LocalActorSystem system;
    private final ActorCell cell;
    /** The message being handled, or null in onStart and onStop. Turn thread only. */
    Envelope current;
    /** Made on first use: ten thousand actors that never log cost no logger. Turn thread only. */
    private Logger log;

    CellContext(final LocalActorSystem system, final ActorCell cell) {
        this.system = system;
        this.cell = cell;
    }

    @Override
    public ActorRef self() {
        return cell.self();
    }

    @Override
    public ActorRef sender() {
        final Envelope message = current;
        return message == null ? null : message.sender();
    }

    @Override
    public void reply(final Object body) {
        final ActorRef to = sender();
        if (to == null) {
            system.deadLetter(NO_SENDER, body, cell.self(), DeadLetter.Reason.NO_SENDER,
                "actor " + cell.address() + " replied, but the message it handled had no sender");
            return;
        }
        to.tell(body, cell.self());
    }

    @Override
    public void tell(final String address, final Object body) {
        system.ref(address).tell(body, cell.self());
    }

    @Override
    public ActorRef ref(final String address) {
        return system.ref(address);
    }

    @Override
    public ActorRef spawn(final String behavior, final String name) {
        return system.spawn(behavior, name);
    }

    @Override
    public void stop() {
        cell.requestStop();
    }

    @Override
    public ActorSpec spec() {
        return cell.spec();
    }

    @Override
    public ActorSystem system() {
        return system;
    }

    @Override
    public Logger log() {
        if (log == null) {
            log = LoggerFactory.getLogger("hamlet.actor." + system.nodeId() + "." + cell.name());
        }
        return log;
    }
}

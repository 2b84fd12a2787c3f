package hamlet.registry.internal;

import hamlet.api.ActorContext;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.ActorSystem;
import hamlet.api.DeadLetter;
import hamlet.api.SpawnException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an actor sees of the runtime. One per actor, reused for every call.
 *
 * <p>Threading: used by the thread running the actor's turn only (as the SPI says); the current message is set
 * around each onMessage call by {@link ActorCell}. A hot swap gives the new instance a context of its own, used by
 * a swap thread while the actor waits (see {@link SwapCoordinator}); if that swap is given up, the context is
 * revoked, so an instance whose code returns late cannot tell, reply, spawn or stop through it as the actor.
 */
final class CellContext implements ActorContext {
    private static final String NO_SENDER = "(no sender)";

    private final CellHost host;
    private final ActorCell cell;
    /** The message being handled, or null in onStart and onStop. Turn thread only. */
    Envelope current;
    /** Made on first use: ten thousand actors that never log cost no logger. Turn thread only. */
    private Logger log;
    /** Set once, by any thread, when the instance holding this context was given up. */
    private volatile boolean revoked;

    CellContext(final CellHost host, final ActorCell cell) {
        this.host = host;
        this.cell = cell;
    }

    /** Refuses from now on what would act as the actor: an instance of a given-up swap holds this context. */
    void revoke() {
        revoked = true;
    }

    /** @return whether the holder of this context was given up; logs the refusal of {@code what} when so */
    private boolean refused(final String what) {
        if (!revoked) {
            return false;
        }
        LoggerFactory.getLogger(CellContext.class).warn("[{}] actor {}: {} refused, from an instance whose hot swap "
            + "was given up", host.nodeId(), cell.name(), what);
        return true;
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
        if (refused("a reply")) {
            return;
        }
        final ActorRef to = sender();
        if (to == null) {
            host.deadLetter(NO_SENDER, body, cell.self(), DeadLetter.Reason.NO_SENDER,
                "actor " + cell.address() + " replied, but the message it handled had no sender");
            return;
        }
        to.tell(body, cell.self());
    }

    @Override
    public void tell(final String address, final Object body) {
        if (refused("a message to " + address)) {
            return;
        }
        host.system().ref(address).tell(body, cell.self());
    }

    @Override
    public ActorRef ref(final String address) {
        return host.system().ref(address);
    }

    @Override
    public ActorRef spawn(final String behavior, final String name) {
        if (refused("spawning " + name)) {
            throw new SpawnException("cannot spawn actor '" + name + "': the instance asking is of a "
                + "given-up hot swap of " + cell.address());
        }
        return host.system().spawn(behavior, name);
    }

    @Override
    public void stop() {
        if (refused("a stop")) {
            return;
        }
        cell.requestStop();
    }

    @Override
    public ActorSpec spec() {
        return cell.spec();
    }

    @Override
    public ActorSystem system() {
        return host.system();
    }

    @Override
    public Logger log() {
        if (log == null) {
            log = LoggerFactory.getLogger("hamlet.actor." + host.nodeId() + "." + cell.name());
        }
        return log;
    }
}

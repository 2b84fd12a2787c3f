package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.Address;

/**
 * Carries a message to an address on another node. The only place where the local runtime sends to the network:
 * {@link TransportRouter} hands it to the transport when one is bound, and {@link NoTransportRouter} dead-letters
 * it (NO_TRANSPORT) when none is.
 *
 * <p>Threading: called from any thread (senders, dispatcher turns); must not block.
 */
interface RemoteRouter {
    /**
     * @param node the node it goes to, never this one
     * @param to the address as the receiving node reads it: {@code node:name}, or {@code *:group} for that node's
     *     own members of the group
     * @param body the body, not null
     * @param sender who sent it, or null
     */
    void send(String node, Address to, Object body, ActorRef sender);
}

package hamlet.registry.internal;

import hamlet.api.Address;

/**
 * Says where an address leads: an actor of this node, another node, a group, or nowhere known. The one place the
 * registry decides "is this for me", for the sends of this node ({@link Router}) and for the envelopes other nodes
 * send it ({@link RemoteInbox}). The rule is {@link DirectoryResolver}: {@link LocalResolver}'s, plus the cluster
 * directory for bare names when membership runs.
 *
 * <p>Threading: any thread, concurrently; never blocks (it runs on dispatcher and transport threads).
 */
interface Resolver {
    /**
     * @param address where a message goes
     * @return where it leads now
     */
    Resolution resolve(Address address);
}

package hamlet.registry.internal;

import hamlet.api.ActorBehavior;

/**
 * One registered behaviour service: a version of a behaviour, from one bundle. Identity matters: two registrations
 * of the same version (a bundle updated in place) are different registrations. Immutable.
 *
 * @param name the behaviour's name
 * @param behavior the service
 * @param version the version of the bundle it comes from ({@value BehaviorVersion#NONE} when not known)
 * @param bundle the symbolic name of that bundle, or {@code null} when not known
 * @param sequence the order of registration: among equal versions the later one wins
 */
record Registration(String name, ActorBehavior behavior, String version, String bundle, long sequence) {
    @Override
    public boolean equals(final Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return name + " " + version + (bundle == null ? "" : " (" + bundle + ")");
    }
}

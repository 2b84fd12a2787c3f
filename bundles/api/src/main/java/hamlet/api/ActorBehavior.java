package hamlet.api;

/**
 * Makes actors of one kind. Registered as an OSGi service with the property {@value #NAME_PROPERTY} set to the
 * behaviour's name (for example {@code hamlet.behavior=echo}); actors are spawned by that name.
 *
 * <p>Threading: {@link #create} may be called from any thread, concurrently.
 */
public interface ActorBehavior {
    /** The service property that names a behaviour. */
    String NAME_PROPERTY = "hamlet.behavior";

    /**
     * Makes a new actor instance. Called at spawn and again at each restart.
     *
     * @param spec what the actor is to be: name, group, config
     * @return a fresh instance, never shared between actors
     * @throws Exception when the instance cannot be made; the spawn or restart fails with that cause
     */
    Actor create(ActorSpec spec) throws Exception;
}

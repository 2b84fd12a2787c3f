package hamlet.bench;

/**
 * The little the benchmarks need from an actor runtime, so that one benchmark body drives Hamlet and Pekko alike:
 * spawn an actor around a handler, send to it, count what was lost. Each implementation uses its runtime the way a
 * user would (Hamlet: a behaviour and {@code ActorRef.tell}; Pekko: an {@code AbstractActor} and {@code tell}).
 */
interface ActorRuntime extends AutoCloseable {
    /**
     * @param name the actor's name, unique in this runtime
     * @param handler what the actor does with each message, on the actor's turn
     * @return where to send to the new actor
     */
    Target spawn(String name, Handler handler);

    /** @return messages this runtime could not deliver since it started */
    long deadLetters();

    /** Stops every actor and the runtime's threads. */
    @Override
    void close() throws Exception;

    /**
     * @param name {@code hamlet} or {@code pekko}
     * @return a started runtime of that name, with its defaults
     */
    static ActorRuntime start(final String name) {
        switch (name) {
            case "hamlet":
                return new HamletRuntime();
            case "pekko":
                return new PekkoRuntime();
            default:
                throw new IllegalArgumentException("runtime must be hamlet or pekko, got " + name);
        }
    }

    /** An actor to send to. Usable from any thread. */
    interface Target {
        /** Sends with no sender. */
        void tell(Object body);

        /** Sends with {@code sender} as the sender, who gets the replies. */
        void tell(Object body, Target sender);
    }

    /** What an actor does with one message. Called on the actor's turn only. */
    @FunctionalInterface
    interface Handler {
        /**
         * @param body the message body
         * @param sender replies to the message's sender, valid during this call only
         */
        void onMessage(Object body, Replier sender);
    }

    /** Replies to the sender of the message being handled, with the handling actor as the sender. */
    @FunctionalInterface
    interface Replier {
        void reply(Object body);
    }
}

package hamlet.bench;

import com.typesafe.config.ConfigFactory;
import hamlet.api.Actor;
import hamlet.api.ActorContext;
import hamlet.api.ActorRef;
import hamlet.api.Message;
import hamlet.registry.internal.LocalActorSystem;
import hamlet.registry.internal.RegistrySettings;

/**
 * Hamlet's local runtime as the registry bundle runs it, built with {@code new} instead of through OSGi, with the
 * defaults of its {@code reference.conf} (dispatcher sized to the cores, bounded mailboxes). A
 * {@code -Dhamlet.registry.x=...} system property overrides a default, as on a node.
 */
final class HamletRuntime implements ActorRuntime {
    private final LocalActorSystem system =
            new LocalActorSystem(RegistrySettings.from(ConfigFactory.systemProperties()));

    @Override
    public Target spawn(final String name, final Handler handler) {
        // One behaviour per actor, because each benchmark actor has its own handler.
        final String behavior = "bench-" + name;
        system.registerBehavior(behavior, spec -> new HandlerActor(handler));
        return new HamletTarget(system.spawn(behavior, name));
    }

    @Override
    public long deadLetters() {
        return system.deadLetterCount();
    }

    @Override
    public void close() {
        system.close();
    }

    private record HamletTarget(ActorRef ref) implements Target {
        @Override
        public void tell(final Object body) {
            ref.tell(body);
        }

        @Override
        public void tell(final Object body, final Target sender) {
            ref.tell(body, ((HamletTarget) sender).ref);
        }
    }

    private static final class HandlerActor implements Actor, Replier {
        private final Handler handler;
        /** The context of the message being handled; set and used on the actor's turn only. */
        private ActorContext current;

        HandlerActor(final Handler handler) {
            this.handler = handler;
        }

        @Override
        public void onMessage(final Message message, final ActorContext context) {
            current = context;
            handler.onMessage(message.body(), this);
        }

        @Override
        public void reply(final Object body) {
            current.reply(body);
        }
    }
}

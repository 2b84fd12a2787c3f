package hamlet.example.jobrouter;

import com.google.gson.JsonElement;
import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorSpec;
import hamlet.api.Address;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code job-router} behaviour: spreads jobs over the workers of one group and returns each result to whoever
 * submitted the job. See {@link JobRouterActor} for the messages.
 *
 * <p>Actor config (the admin API's {@code "config"}): {@code {"group": "worker"}}, the group whose actors take the
 * jobs; {@code worker} when not given.
 */
@Component(service = ActorBehavior.class, property = ActorBehavior.NAME_PROPERTY + "=job-router")
public final class JobRouterBehavior implements ActorBehavior {
    /** The workers' group when the spec's config does not name one. */
    static final String DEFAULT_GROUP = "worker";

    @Override
    public Actor create(final ActorSpec spec) {
        return new JobRouterActor(spec.name(), group(spec), workers(spec));
    }

    /**
     * Fails the spawn when config key workers is not a list of worker addresses: {@code node:name} for a worker bound
     * to a node, or a bare {@code name} for a cluster actor (placement cluster or spread), which reaches it wherever
     * it lives now. A group ({@code *:name}) is refused: the router picks the worker itself.
     */
    private static List<String> workers(final ActorSpec spec) {
        final JsonElement workers = spec.config().get("workers");
        if (workers == null || workers.isJsonNull()) {
            return List.of();
        }
        final String expected = "job-router '" + spec.name() + "': config workers must be a list of worker"
                + " addresses like [\"node2:worker-a-1\"] or cluster actor names like [\"worker-1\"], got ";
        if (!workers.isJsonArray()) {
            throw new IllegalArgumentException(expected + workers);
        }
        final List<String> addresses = new ArrayList<>();
        for (final JsonElement worker : workers.getAsJsonArray()) {
            if (!worker.isJsonPrimitive() || !worker.getAsJsonPrimitive().isString()) {
                throw new IllegalArgumentException(expected + workers);
            }
            final Address address;
            try {
                address = Address.parse(worker.getAsString());
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException(expected + workers + ": " + e.getMessage(), e);
            }
            if (address.isGroup()) {
                throw new IllegalArgumentException(expected + workers + ": '" + worker.getAsString()
                        + "' is a group, not one worker");
            }
            addresses.add(address.toString());
        }
        return addresses;
    }

    /** Fails the spawn, rather than routing to nobody forever, when the config names no valid group. */
    private static String group(final ActorSpec spec) {
        final JsonElement group = spec.config().get("group");
        if (group == null || group.isJsonNull()) {
            return DEFAULT_GROUP;
        }
        if (!group.isJsonPrimitive() || !group.getAsJsonPrimitive().isString()
                || !Address.isValidName(group.getAsString())) {
            throw new IllegalArgumentException("job-router '" + spec.name() + "': config group must be a group name"
                    + " (letters, digits, '_' and '-'), got " + group);
        }
        return group.getAsString();
    }
}

package hamlet.registry.internal;

import hamlet.api.RejectedBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The behaviour jars this node refused, by location, for operators ({@code GET /api/behaviors},
 * {@code actor:behaviors}): each is logged once when it is refused (or refused for another reason) and forgotten
 * when the jar is removed or fixed. Owned by the registry's OSGi component, across restarts of the runtime.
 *
 * <p>Threading: any thread.
 */
public final class Rejections {
    private static final Logger LOG = LoggerFactory.getLogger(Rejections.class);

    private final Supplier<String> nodeId;
    private final Map<String, RejectedBundle> byLocation = new ConcurrentHashMap<>();

    /** @param nodeId the node's id for log lines, read when logging */
    public Rejections(final Supplier<String> nodeId) {
        this.nodeId = nodeId;
    }

    /**
     * Records a refusal; logs it when it is new or its reason changed.
     *
     * @param rejected what was refused and why
     */
    public void refuse(final RejectedBundle rejected) {
        final RejectedBundle before = byLocation.put(rejected.location(), rejected);
        if (before == null || !before.reason().equals(rejected.reason())) {
            LOG.warn("[{}] behaviour jar {} refused{}: {}; the versions in force keep serving", nodeId.get(),
                rejected.location(), rejected.behavior() == null ? "" : " (behaviour " + rejected.behavior() + ")",
                rejected.reason());
        } else {
            // Same refusal again: keep the first time it was noticed.
            byLocation.put(rejected.location(), before);
        }
    }

    /**
     * Forgets a refusal: the jar was removed, or is now fine.
     *
     * @param location the jar's location
     */
    public void forget(final String location) {
        final RejectedBundle gone = byLocation.remove(location);
        if (gone != null) {
            LOG.info("[{}] behaviour jar {} no longer refused", nodeId.get(), location);
        }
    }

    /**
     * @param location a location
     * @return whether a refusal is recorded for it
     */
    public boolean isRefused(final String location) {
        return byLocation.containsKey(location);
    }

    /** @return the refusals in force, oldest first */
    public List<RejectedBundle> list() {
        final List<RejectedBundle> all = new ArrayList<>(byLocation.values());
        all.sort(Comparator.comparing(RejectedBundle::at).thenComparing(RejectedBundle::location));
        return all;
    }
}

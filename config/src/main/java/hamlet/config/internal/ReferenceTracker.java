package hamlet.config.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.util.tracker.BundleTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Keeps the {@link ReferenceSet} in step with the bundles that carry a {@code reference.conf} at their root. Reads
 * the entry with {@link Bundle#getEntry}: no class loading, no resolving, so an installed bundle's keys are known
 * before it starts. Called on the framework's event threads.
 */
final class ReferenceTracker implements BundleTrackerCustomizer<Long> {
    static final String ENTRY = "reference.conf";
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceTracker.class);

    private final ReferenceSet references;
    private final Supplier<String> nodeId;

    ReferenceTracker(final ReferenceSet references, final Supplier<String> nodeId) {
        this.references = references;
        this.nodeId = nodeId;
    }

    @Override
    public Long addingBundle(final Bundle bundle, final BundleEvent event) {
        return read(bundle) ? bundle.getBundleId() : null;
    }

    /** A state change, or an update that may have brought a new reference.conf. */
    @Override
    public void modifiedBundle(final Bundle bundle, final BundleEvent event, final Long bundleId) {
        if (!read(bundle)) {
            references.remove(bundleId);
        }
    }

    @Override
    public void removedBundle(final Bundle bundle, final BundleEvent event, final Long bundleId) {
        references.remove(bundleId);
    }

    /** @return whether the bundle has a readable reference.conf, which is now in the set */
    boolean read(final Bundle bundle) {
        final URL entry;
        try {
            entry = bundle.getEntry(ENTRY);
        } catch (final IllegalStateException e) {
            return false; // uninstalled meanwhile
        }
        if (entry == null) {
            return false;
        }
        try (InputStream in = entry.openStream()) {
            final String name = bundle.getSymbolicName() != null ? bundle.getSymbolicName()
                : "bundle " + bundle.getBundleId();
            references.put(bundle.getBundleId(), name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return true;
        } catch (final IOException e) {
            LOG.error("[{}] cannot read {} of bundle {}: {}", nodeId.get(), ENTRY, bundle.getSymbolicName(),
                e.toString());
            return false;
        }
    }
}

package hamlet.registry.internal.osgi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipException;

/**
 * Tells which jars of the deploy directory are not OSGi bundles, which FileInstall only logs: not a zip file, no
 * manifest, no {@code Bundle-SymbolicName}. Each file is read again only when its size or time changes. Plain Java,
 * no framework: the caller turns the answers into refusals.
 *
 * <p>Threading: one thread at a time (the caller's scan thread).
 */
final class DeployedJars {
    /** The state of one file when it was last read, and what was wrong with it (null: a bundle). */
    private record Seen(long size, long modified, String problem) {
    }

    private final Path dir;
    private final Map<Path, Seen> seen = new HashMap<>();

    /** @param dir the deploy directory */
    DeployedJars(final Path dir) {
        this.dir = dir;
    }

    /** A change of the directory since the last scan. */
    interface Listener {
        /** @param jar a jar that is not a bundle, newly or for another reason; @param problem why */
        void notABundle(Path jar, String problem);

        /** @param jar a jar that was refused before and is now gone or a bundle */
        void fine(Path jar);
    }

    /**
     * Looks at the directory once.
     *
     * @param listener told of every change
     */
    void scan(final Listener listener) {
        final Set<Path> present = new HashSet<>();
        try (var files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(".jar")).forEach(jar -> {
                present.add(jar);
                look(jar, listener);
            });
        } catch (final IOException e) {
            // The directory is gone or unreadable for now: nothing to tell until it is back.
            return;
        }
        for (final Path gone : new HashSet<>(seen.keySet())) {
            if (!present.contains(gone)) {
                final Seen was = seen.remove(gone);
                if (was.problem() != null) {
                    listener.fine(gone);
                }
            }
        }
    }

    private void look(final Path jar, final Listener listener) {
        final long size;
        final long modified;
        try {
            size = Files.size(jar);
            modified = Files.getLastModifiedTime(jar).toMillis();
        } catch (final IOException e) {
            return;
        }
        final Seen before = seen.get(jar);
        if (before != null && before.size() == size && before.modified() == modified) {
            return;
        }
        final String problem = problemOf(jar);
        seen.put(jar, new Seen(size, modified, problem));
        if (problem != null) {
            listener.notABundle(jar, problem);
        } else if (before != null && before.problem() != null) {
            listener.fine(jar);
        }
    }

    /**
     * @param jar a file
     * @return why it is not an OSGi bundle, or null when it is one
     */
    static String problemOf(final Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            final Manifest manifest = file.getManifest();
            if (manifest == null) {
                return "not an OSGi bundle: the jar has no META-INF/MANIFEST.MF";
            }
            final String name = manifest.getMainAttributes().getValue("Bundle-SymbolicName");
            if (name == null || name.isBlank()) {
                return "not an OSGi bundle: its manifest has no Bundle-SymbolicName";
            }
            return null;
        } catch (final ZipException e) {
            return "not a jar: not a zip file (" + e.getMessage() + ")";
        } catch (final IOException | SecurityException e) {
            return "not readable as a jar: " + e.getMessage();
        }
    }
}

package hamlet.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the distribution's bundles/ folder: each sub-folder is named after the start level of the jars in it
 * (bundles/1 for SPI Fly and ASM, bundles/2 for SLF4J, bundles/3 for the rest), so that the order in which the
 * system bundles start is visible in the file system.
 */
public final class BundleFolders {

    /** One jar of bundles/, with the start level its folder names. */
    public record SystemBundle(int level, Path jar) {
    }

    private BundleFolders() {
    }

    /**
     * Lists every jar under bundlesDir/LEVEL/, ordered by level, then by file name.
     *
     * @throws BootException if the folder is missing, holds no jar, or has a sub-folder that is not a start level
     */
    public static List<SystemBundle> scan(final Path bundlesDir) throws BootException {
        if (!Files.isDirectory(bundlesDir)) {
            throw new BootException("no bundles folder at " + bundlesDir);
        }
        final List<SystemBundle> found = new ArrayList<>();
        try (Stream<Path> levels = Files.list(bundlesDir)) {
            for (final Path folder : levels.sorted().toList()) {
                if (!Files.isDirectory(folder)) {
                    throw new BootException(folder + " is not in a start level folder: put it in bundles/<level>/");
                }
                final int level = parseLevel(folder);
                try (Stream<Path> jars = Files.list(folder)) {
                    jars.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                        .forEach(jar -> found.add(new SystemBundle(level, jar)));
                }
            }
        } catch (final IOException e) {
            throw new BootException("cannot read " + bundlesDir + ": " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new BootException("no bundle jars under " + bundlesDir);
        }
        found.sort(Comparator.comparingInt(SystemBundle::level)
            .thenComparing(b -> b.jar().getFileName().toString()));
        return List.copyOf(found);
    }

    /** The highest start level among the bundles; the framework rises to one above it (see {@link Launcher}). */
    public static int highestLevel(final List<SystemBundle> bundles) {
        return bundles.stream().mapToInt(SystemBundle::level).max().orElse(1);
    }

    private static int parseLevel(final Path folder) throws BootException {
        final String name = folder.getFileName().toString();
        try {
            final int level = Integer.parseInt(name);
            if (level >= 1) {
                return level;
            }
        } catch (final NumberFormatException e) {
            // falls through to the error below, which says what a folder name must be
        }
        throw new BootException("bundles folder " + folder + " is not a start level: its name must be a number >= 1");
    }
}

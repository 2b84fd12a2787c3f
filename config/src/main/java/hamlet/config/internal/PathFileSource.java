package hamlet.config.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Reads the config file from disk: its attributes and its whole content (a config file is small). */
final class PathFileSource implements FileSource {
    private final Path path;

    PathFileSource(final Path path) {
        this.path = path.toAbsolutePath().normalize();
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public FileState read() {
        try {
            final BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return FileState.unreadable("not a regular file");
            }
            final byte[] content = Files.readAllBytes(path);
            return FileState.present(attributes.lastModifiedTime().toMillis(), attributes.size(), content);
        } catch (final NoSuchFileException e) {
            return FileState.missing();
        } catch (final IOException | SecurityException e) {
            return FileState.unreadable(e.toString());
        }
    }
}

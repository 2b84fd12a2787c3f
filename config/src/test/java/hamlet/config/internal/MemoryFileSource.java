package hamlet.config.internal;

import java.nio.charset.StandardCharsets;

/** An in-memory config file that a test writes, rewrites and deletes. */
final class MemoryFileSource implements FileSource {
    private final String name;
    private FileState state = FileState.missing();
    private long lastModifiedMs = 1_000;
    private int reads;

    MemoryFileSource(final String name) {
        this.name = name;
    }

    /** Writes the text as a new modification (a later modification time). */
    void write(final String text) {
        lastModifiedMs += 1_000;
        writeKeepingTime(text);
    }

    /** Writes the text without moving the modification time, as a coarse-grained file system may. */
    void writeKeepingTime(final String text) {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        state = FileState.present(lastModifiedMs, bytes.length, bytes);
    }

    /** @return how many times the file was looked at */
    int reads() {
        return reads;
    }

    void delete() {
        state = FileState.missing();
    }

    void unreadable(final String why) {
        state = FileState.unreadable(why);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public FileState read() {
        reads++;
        return state;
    }
}

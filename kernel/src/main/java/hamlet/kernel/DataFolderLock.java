package hamlet.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One node per data folder: two nodes sharing one would share one Felix cache, and the second failed with a line
 * about bundles that were "not unique", which says nothing of the cause (seen when three nodes were started from
 * one distribution without {@code --data}). The lock is the operating system's, so it goes with the process however
 * it ends. The file also holds the owner's pid, for the message.
 *
 * <p>Threading: taken once by the launcher's main thread; released by whichever thread stops the node.
 */
final class DataFolderLock implements AutoCloseable {
    static final String FILE = "node.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataFolderLock(final FileChannel channel, final FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param dataDir the node's data folder, existing
     * @return the lock, held until {@link #close}
     * @throws BootException when another node holds it, naming the folder and its pid
     */
    static DataFolderLock take(final Path dataDir) throws BootException {
        final Path file = dataDir.resolve(FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (final OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                final String owner = Files.readString(file, StandardCharsets.US_ASCII).trim();
                channel.close();
                throw new BootException("the data folder " + dataDir + " is in use by another node"
                    + (owner.isEmpty() ? "" : " (pid " + owner + ")") + ": give each node its own, with --data DIR");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid())
                .getBytes(StandardCharsets.US_ASCII)), 0);
            return new DataFolderLock(channel, lock);
        } catch (final IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (final IOException ignored) {
                    // already failing
                }
            }
            throw new BootException("cannot lock the data folder " + dataDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (final IOException ignored) {
            // The process is ending or the node stopping: the operating system drops the lock with the file.
        }
    }
}

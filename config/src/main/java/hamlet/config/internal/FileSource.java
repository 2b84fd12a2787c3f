package hamlet.config.internal;

/**
 * Where the watcher looks for the config file. The real one reads the disk ({@link PathFileSource}); tests use an
 * in-memory one. Called from the watcher thread only.
 */
interface FileSource {
    /** @return a description of the file for logs and the status, e.g. its absolute path */
    String name();

    /** @return what the file holds now; never throws */
    FileState read();
}

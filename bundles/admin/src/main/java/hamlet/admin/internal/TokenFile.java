package hamlet.admin.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code hamlet.admin.token-file}: the bearer token in a file of its own, so that it stays out of the config
 * file, of {@code -D} arguments that {@code ps} shows, and of Configuration Admin (only the path is pushed). Read
 * when the section is validated and again when it is applied; a changed file is taken at the next apply of the
 * section or the next start. Stateless.
 */
final class TokenFile {
    /** A token is a line, not a document: a bigger file is a wrong path, and is not read into memory whole. */
    static final int MAX_BYTES = 4096;
    private static final Pattern TOKEN_CHARS = Pattern.compile("[\\x21-\\x7E]+");

    private TokenFile() {
    }

    /**
     * @param configFolder the config file's folder, which a relative path is resolved against
     * @param tokenFile the path as configured
     * @return where the file is
     */
    static Path resolve(final Path configFolder, final String tokenFile) {
        return configFolder.resolve(tokenFile.trim()).toAbsolutePath().normalize();
    }

    /**
     * @param configFolder the config file's folder, which a relative path is resolved against
     * @param tokenFile the path as configured, not empty
     * @return the token: the file's content without the whitespace around it (the newline an editor adds)
     * @throws IllegalArgumentException naming the key and the file, saying what is wrong; never the content
     */
    static String read(final Path configFolder, final String tokenFile) {
        final Path file = resolve(configFolder, tokenFile);
        final String where = AdminSettings.TOKEN_FILE + " = " + tokenFile + ": " + file;
        final byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(where + (Files.exists(file) ? " is not a regular file"
                    : " does not exist") + " (it must hold the admin API's bearer token)");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(where + " is larger than " + MAX_BYTES
                    + " bytes: not a token file");
            }
            bytes = Files.readAllBytes(file);
        } catch (final NoSuchFileException e) {
            throw new IllegalArgumentException(where + " does not exist (it must hold the admin API's bearer token)",
                e);
        } catch (final AccessDeniedException e) {
            throw new IllegalArgumentException(where + " cannot be read by this process (permission denied)", e);
        } catch (final IOException e) {
            throw new IllegalArgumentException(where + " cannot be read: " + e, e);
        }
        final String token = new String(bytes, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new IllegalArgumentException(where + " is empty: it must hold the admin API's bearer token");
        }
        if (!TOKEN_CHARS.matcher(token).matches()) {
            throw new IllegalArgumentException(where + " must hold one token of printable ASCII without spaces (it"
                + " is sent in an HTTP header); the content is not shown");
        }
        return token;
    }

    /**
     * @param configFolder the config file's folder
     * @param tokenFile the path as configured
     * @return a warning when every user may read the file (POSIX file systems only), else {@code null}
     */
    static String exposure(final Path configFolder, final String tokenFile) {
        final Path file = resolve(configFolder, tokenFile);
        try {
            final Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.contains(PosixFilePermission.OTHERS_READ)) {
                return AdminSettings.TOKEN_FILE + " " + file + " may be read by every user of this machine (mode "
                    + java.nio.file.attribute.PosixFilePermissions.toString(mode) + "): chmod 600 it";
            }
            return null;
        } catch (final UnsupportedOperationException | IOException e) {
            return null;
        }
    }
}

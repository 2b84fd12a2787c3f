package hamlet.registry.internal;

import java.security.AccessControlContext;
import java.security.AccessController;
import java.security.PrivilegedAction;
import java.security.ProtectionDomain;
import java.util.function.Supplier;

/**
 * Makes threads that hold nothing of the code that happened to start them. On Java 17 a new thread keeps its
 * creator's access-control context: the protection domain of every class on the creating stack, and through each
 * its class loader. A dispatcher thread started while a behaviour's {@code onMessage} sends (the pool grows on
 * demand) would keep that behaviour's bundle revision alive for as long as the thread lives, long after a hot swap.
 * Creating it inside {@code doPrivileged} with an empty context cuts the stack off there. Stateless.
 */
@SuppressWarnings("removal")
final class CleanThreads {
    private static final AccessControlContext NOTHING = new AccessControlContext(new ProtectionDomain[0]);

    private CleanThreads() {
    }

    /**
     * @param create makes the thread
     * @param <T> the thread's type
     * @return the thread, created with no access-control context of the caller's
     */
    static <T extends Thread> T create(final Supplier<T> create) {
        return AccessController.doPrivileged((PrivilegedAction<T>) create::get, NOTHING);
    }
}

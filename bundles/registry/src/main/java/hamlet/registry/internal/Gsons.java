package hamlet.registry.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * The Gson to use for given classes. A Gson instance caches a type adapter for every class it ever saw, for good:
 * a shared instance that once converted an object of a behaviour's class would keep that class, its class loader
 * and every class of that bundle revision alive after a hot swap. So the shared instance only ever sees classes of
 * the JDK and of gson; for any other class a fresh instance is made, and dropped with its cache (a few tens of
 * microseconds: bodies of behaviour classes that must be converted are the exception, not the traffic). Stateless.
 */
final class Gsons {
    private static final Gson SHARED = builder().create();

    private Gsons() {
    }

    /**
     * @param types the classes the Gson will see
     * @return the shared Gson when it may cache them, else a fresh one
     */
    static Gson forTypes(final Class<?>... types) {
        for (final Class<?> type : types) {
            if (!isShareable(type)) {
                return builder().create();
            }
        }
        return SHARED;
    }

    private static boolean isShareable(final Class<?> type) {
        if (type == null) {
            return true;
        }
        final ClassLoader loader = type.getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader()
            || loader == Gson.class.getClassLoader();
    }

    private static GsonBuilder builder() {
        return new GsonBuilder().disableHtmlEscaping();
    }
}

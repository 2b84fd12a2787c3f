package hamlet.registry.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;

import java.util.Collection;
import java.util.Map;

/**
 * What the runtime may keep of a message body beyond its delivery (the dead-letter ring): the body itself when its
 * class cannot pin a behaviour bundle (a String, a boxed primitive, a gson tree, another JDK value that holds no
 * other object), else a plain copy: its JSON tree, or its {@code toString} when it has none. An object of a
 * behaviour's class kept for operators would keep that bundle's class loader, and with it every class of an old
 * revision, alive after a hot swap. Stateless.
 */
final class PlainBody {
    private PlainBody() {
    }

    /**
     * @param body a body, possibly of a behaviour's class
     * @return a form of it that references no class of any bundle but the JDK's and gson's
     */
    static Object of(final Object body) {
        if (body == null || body instanceof String || body instanceof JsonElement) {
            return body;
        }
        final Class<?> type = body.getClass();
        if (isJdk(type) && !(body instanceof Collection) && !(body instanceof Map) && !type.isArray()) {
            return body;
        }
        try {
            final JsonElement tree = Gsons.forTypes(type).toJsonTree(body);
            // Gson writes anonymous and local classes as null: their text says more.
            if (!tree.isJsonNull()) {
                return tree;
            }
        } catch (final RuntimeException | StackOverflowError e) {
            // No JSON form (a cycle, a type gson refuses): its text below.
        }
        try {
            return new JsonPrimitive(String.valueOf(body));
        } catch (final RuntimeException e) {
            return new JsonPrimitive(type.getName() + " (neither JSON nor toString: " + e + ")");
        }
    }

    private static boolean isJdk(final Class<?> type) {
        final ClassLoader loader = type.getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }
}

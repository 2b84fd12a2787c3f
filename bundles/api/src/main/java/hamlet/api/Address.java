package hamlet.api;

import java.util.Objects;

/**
 * Where a message goes. Three forms are accepted, nothing else:
 *
 * <table>
 *   <caption>Address forms</caption>
 *   <tr><td>{@code node2:worker_01}</td><td>actor {@code worker_01} on node {@code node2}</td></tr>
 *   <tr><td>{@code worker_01}</td><td>actor {@code worker_01} wherever it lives (this node until the directory
 *   exists)</td></tr>
 *   <tr><td>{@code *:worker}</td><td>any one actor of group {@code worker}</td></tr>
 * </table>
 *
 * <p>Node ids, actor names and group names are 1 to {@value #MAX_NAME_LENGTH} characters of {@code [A-Za-z0-9_-]},
 * starting with a letter or digit. Immutable and thread-safe.
 */
public final class Address {
    /** Longest node id, actor name or group name accepted. */
    public static final int MAX_NAME_LENGTH = 128;

    private static final String GROUP_WILDCARD = "*";
    private static final String FORMS = "expected node:name, name or *:group";

    private final String node;
    private final String name;
    private final boolean group;

    private Address(final String node, final String name, final boolean group) {
        this.node = node;
        this.name = name;
        this.group = group;
    }

    /**
     * Parses an address.
     *
     * @param text the address text
     * @return the address
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static Address parse(final String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("address is empty; " + FORMS);
        }
        final int colon = text.indexOf(':');
        if (colon < 0) {
            checkName("actor name", text, text);
            return new Address(null, text, false);
        }
        if (text.indexOf(':', colon + 1) >= 0) {
            throw new IllegalArgumentException("address '" + text + "' has more than one ':'; " + FORMS);
        }
        final String left = text.substring(0, colon);
        final String right = text.substring(colon + 1);
        if (GROUP_WILDCARD.equals(left)) {
            checkName("group name", right, text);
            return new Address(null, right, true);
        }
        checkName("node id", left, text);
        checkName("actor name", right, text);
        return new Address(left, right, false);
    }

    /**
     * @param node the node id
     * @param name the actor name
     * @return the address {@code node:name}
     * @throws IllegalArgumentException if either part is not a valid name
     */
    public static Address of(final String node, final String name) {
        checkName("node id", node, node + ":" + name);
        checkName("actor name", name, node + ":" + name);
        return new Address(node, name, false);
    }

    /**
     * @param name the actor name
     * @return the location-transparent address {@code name}
     * @throws IllegalArgumentException if {@code name} is not a valid name
     */
    public static Address named(final String name) {
        checkName("actor name", name, name);
        return new Address(null, name, false);
    }

    /**
     * @param group the group name
     * @return the address {@code *:group}
     * @throws IllegalArgumentException if {@code group} is not a valid name
     */
    public static Address group(final String group) {
        checkName("group name", group, "*:" + group);
        return new Address(null, group, true);
    }

    /**
     * @param candidate a node id, actor name or group name
     * @return whether it is 1 to {@value #MAX_NAME_LENGTH} characters of {@code [A-Za-z0-9_-]} starting with a
     *     letter or digit
     */
    public static boolean isValidName(final String candidate) {
        return problemWith(candidate) == null;
    }

    /**
     * Checks a node id, actor name or group name.
     *
     * @param what what the name is, for the message ("actor name")
     * @param candidate the name
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void checkName(final String what, final String candidate) {
        checkName(what, candidate, null);
    }

    private static void checkName(final String what, final String candidate, final String address) {
        final String problem = problemWith(candidate);
        if (problem != null) {
            final String where = address == null ? "" : " in address '" + address + "'";
            throw new IllegalArgumentException(what + " '" + candidate + "'" + where + " " + problem);
        }
    }

    private static String problemWith(final String candidate) {
        if (candidate == null || candidate.isEmpty()) {
            return "is empty";
        }
        if (candidate.length() > MAX_NAME_LENGTH) {
            return "is longer than " + MAX_NAME_LENGTH + " characters";
        }
        for (int i = 0; i < candidate.length(); i++) {
            final char c = candidate.charAt(i);
            final boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (i == 0 && !alnum) {
                return "must start with a letter or digit";
            }
            if (!alnum && c != '_' && c != '-') {
                return "has '" + c + "' at position " + i + "; only letters, digits, '_' and '-' are allowed";
            }
        }
        return null;
    }

    /** @return the node id, or {@code null} for a location-transparent name or a group */
    public String node() {
        return node;
    }

    /** @return the actor name, or the group name when {@link #isGroup()} */
    public String name() {
        return name;
    }

    /** @return whether this is a group address {@code *:group} */
    public boolean isGroup() {
        return group;
    }

    /**
     * @param nodeId this node's id
     * @return whether this address names an actor on {@code nodeId}, either explicitly or by name alone
     */
    public boolean isLocalTo(final String nodeId) {
        return !group && (node == null || node.equals(nodeId));
    }

    /** @return the canonical text form, which {@link #parse(String)} reads back to an equal address */
    @Override
    public String toString() {
        if (group) {
            return GROUP_WILDCARD + ":" + name;
        }
        return node == null ? name : node + ":" + name;
    }

    @Override
    public boolean equals(final Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Address)) {
            return false;
        }
        final Address that = (Address) other;
        return group == that.group && name.equals(that.name) && Objects.equals(node, that.node);
    }

    @Override
    public int hashCode() {
        return Objects.hash(node, name, group);
    }
}

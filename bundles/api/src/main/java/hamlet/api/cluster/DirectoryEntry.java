package hamlet.api.cluster;

import java.util.Objects;

/**
 * One named actor in the cluster-wide directory.
 *
 * @param node the node that hosts it
 * @param name its name on that node
 * @param group its group, or {@code null}
 */
public record DirectoryEntry(String node, String name, String group) {
    public DirectoryEntry {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(name, "name");
    }
}

/**
 * Cluster membership as other bundles see it: the {@link hamlet.api.cluster.Cluster} service of the gossip bundle
 * (who is in the cluster, in which state, with which actors and load, and whether this node is on the majority
 * side), and the {@link hamlet.api.cluster.ClusterListener} whiteboard that hears each change.
 */
@Export
@Version("1.1.0")
package hamlet.api.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

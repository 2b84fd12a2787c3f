/**
 * Trace ids and the hops of one message across the nodes. Every message carries a trace id
 * ({@link hamlet.api.Message#traceId()}); each node remembers the latest hops it saw (sent, delivered,
 * dead letter, replied) in a bounded ring, and {@link hamlet.api.trace.TraceLog} shows those of one trace id, on
 * this node or on every member that still remembers them.
 */
@Export
@Version("1.0.0")
package hamlet.api.trace;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

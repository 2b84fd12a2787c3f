/**
 * The Hamlet actor SPI.
 *
 * <p>User behaviours and Hamlet's own bundles compile against this package only. It holds interfaces and small
 * immutable values, no runtime: the registry bundle implements {@link hamlet.api.ActorSystem}.
 *
 * <p>Threading rules, in one place: an {@link hamlet.api.Actor}'s callbacks run on one thread at a time and never
 * concurrently; {@link hamlet.api.ActorRef} and {@link hamlet.api.ActorSystem} may be used from any thread and never
 * block (except where a method says so); an actor must never block waiting for an {@code ask} inside
 * {@code onMessage}: chain on the returned stage instead.
 *
 * <p>1.4.0: {@link hamlet.api.Message#traceId()} and {@link hamlet.api.DeadLetter#traceId()}.
 */
@Export
@Version("1.4.0")
package hamlet.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

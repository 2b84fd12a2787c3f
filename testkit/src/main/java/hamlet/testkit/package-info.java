/**
 * In-memory fakes of the hamlet.api and hamlet.config SPI, shared by the unit tests of the bundles: a
 * {@link hamlet.testkit.FakeActorSystem} that records what was sent and spawned, a {@link hamlet.testkit.FakeActorRef}
 * that records what it is told, a {@link hamlet.testkit.FakeMessage} that converts bodies as the registry does, a
 * {@link hamlet.testkit.FakeActorContext} that records replies and tells, a {@link hamlet.testkit.FakeConfigStatus},
 * a {@link hamlet.testkit.FakeTransport} that shows the peers and counters a test gives it, and a
 * {@link hamlet.testkit.FakeCluster} that shows the members, directory and majority a test gives it.
 * A plain jar for test scope only; none of this runs in a node.
 */
package hamlet.testkit;

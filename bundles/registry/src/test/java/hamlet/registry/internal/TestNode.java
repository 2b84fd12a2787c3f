package hamlet.registry.internal;

import com.typesafe.config.ConfigFactory;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorRef;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A node for tests: a {@link LocalActorSystem} with settings from a HOCON snippet over the reference defaults, and a
 * fake nano clock the test moves by hand. Waits poll a condition against a deadline; nothing sleeps a fixed time.
 */
final class TestNode implements AutoCloseable {
    /** Long enough for a loaded 2-core machine; every wait returns as soon as its condition holds. */
    static final Duration DEADLINE = Duration.ofSeconds(20);

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final LocalActorSystem system;

    TestNode(final String hocon) {
        system = new LocalActorSystem(settings(hocon), nanos::get, Clock.systemUTC());
    }

    TestNode() {
        this("");
    }

    static RegistrySettings settings(final String hocon) {
        return RegistrySettings.from(ConfigFactory.parseString(hocon));
    }

    TestNode behavior(final String name, final ActorBehavior behavior) {
        system.registerBehavior(name, behavior);
        return this;
    }

    void advance(final Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    /** Asks and waits for the reply, failing the test on anything else. */
    static Object ask(final ActorRef ref, final Object body) {
        try {
            return ref.ask(body, DEADLINE).toCompletableFuture()
                .get(DEADLINE.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            throw new AssertionError("ask of " + ref.address() + " failed: " + e.getCause(), e.getCause());
        } catch (final InterruptedException | TimeoutException e) {
            throw new AssertionError("no answer from " + ref.address(), e);
        }
    }

    /** Asks and returns why the ask failed, failing the test if it succeeded. */
    static Throwable askFailure(final ActorRef ref, final Object body, final Duration timeout) {
        final ExecutionException failed = assertThrows(ExecutionException.class,
            () -> ref.ask(body, timeout).toCompletableFuture().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        return failed.getCause();
    }

    /** Polls until the condition holds, or fails the test at the deadline. */
    static void awaitTrue(final String what, final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + DEADLINE.toSeconds() + " s: " + what);
            }
            LockSupport.parkNanos(200_000L);
        }
    }

    @Override
    public void close() {
        system.close();
    }
}

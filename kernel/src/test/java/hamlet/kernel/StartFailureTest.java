package hamlet.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleException;

/** The messages below are Felix 7.0.5's own, captured from NodeTest's bundles. */
class StartFailureTest {
    private static final String UNRESOLVED_PACKAGE = "Unable to resolve test.broken [2](R 2.0): missing requirement "
        + "[test.broken [2](R 2.0)] osgi.wiring.package; (osgi.wiring.package=nobody.exports.this) Unresolved "
        + "requirements: [[test.broken [2](R 2.0)] osgi.wiring.package; (osgi.wiring.package=nobody.exports.this)]";

    private static final String CHAIN = "Unable to resolve test.leaf [2](R 2.0): missing requirement [test.leaf [2]"
        + "(R 2.0)] osgi.wiring.package; (osgi.wiring.package=test.root) [caused by: Unable to resolve test.root [1]"
        + "(R 1.0): missing requirement [test.root [1](R 1.0)] osgi.wiring.package; (osgi.wiring.package=nobody."
        + "exports.this)] Unresolved requirements: [[test.leaf [2](R 2.0)] osgi.wiring.package; (osgi.wiring.package"
        + "=test.root)]";

    @Test
    void shouldKeepOnlyTheRequirementWhenABundleCannotResolve() {
        final BundleException e = new BundleException(UNRESOLVED_PACKAGE, BundleException.RESOLVE_ERROR);

        assertEquals("missing requirement osgi.wiring.package; (osgi.wiring.package=nobody.exports.this)",
            StartFailure.reason(e));
        assertTrue(StartFailure.isResolution(e));
        assertNull(StartFailure.culprit(e), "the bundle is its own culprit");
    }

    @Test
    void shouldGiveTheDeepestRequirementAndItsBundleWhenResolutionFailsThroughAnotherBundle() {
        final BundleException e = new BundleException(CHAIN, BundleException.RESOLVE_ERROR);

        assertEquals("missing requirement osgi.wiring.package; (osgi.wiring.package=nobody.exports.this)",
            StartFailure.reason(e));
        assertEquals("test.root", StartFailure.culprit(e));
    }

    @Test
    void shouldKeepAVersionRangeFilterWhole() {
        final String message = "Unable to resolve b [3](R 3.0): missing requirement [b [3](R 3.0)] "
            + "osgi.wiring.package; (&(osgi.wiring.package=org.slf4j)(version>=2.0.0)(!(version>=3.0.0))) "
            + "Unresolved requirements: [[b [3](R 3.0)] osgi.wiring.package; (&(osgi.wiring.package=org.slf4j)"
            + "(version>=2.0.0)(!(version>=3.0.0)))]";

        assertEquals("missing requirement osgi.wiring.package; "
            + "(&(osgi.wiring.package=org.slf4j)(version>=2.0.0)(!(version>=3.0.0)))",
            StartFailure.reason(new BundleException(message, BundleException.RESOLVE_ERROR)));
    }

    @Test
    void shouldAppendTheRootCauseWhenAnActivatorFails() {
        final BundleException e = new BundleException("Activator start error in bundle test.failing [1].",
            BundleException.ACTIVATOR_ERROR, new RuntimeException("wrapped",
            new IllegalStateException("port 7780 already in use")));

        assertEquals("Activator start error in bundle test.failing [1].: "
            + "java.lang.IllegalStateException: port 7780 already in use", StartFailure.reason(e));
        assertFalse(StartFailure.isResolution(e));
    }

    @Test
    void shouldFoldAMultiLineMessageOntoOneLine() {
        assertEquals("first second", StartFailure.reason(new IllegalStateException("first\n   second\n")));
    }
}

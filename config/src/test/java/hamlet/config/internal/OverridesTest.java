package hamlet.config.internal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OverridesTest {
    @Test
    void shouldMapVariableNamesWithTypesafeConventionAndLowerCase() {
        assertEquals(Optional.of("hamlet.registry.dispatcher.throughput"),
            Overrides.pathOfVariable("HAMLET_REGISTRY_DISPATCHER_THROUGHPUT"));
        assertEquals(Optional.of("hamlet.admin.port"), Overrides.pathOfVariable("HAMLET_ADMIN_PORT"));
        assertEquals(Optional.of("hamlet.config.poll-interval"),
            Overrides.pathOfVariable("HAMLET_CONFIG_POLL__INTERVAL"));
        assertEquals(Optional.of("hamlet.x.snake_case"), Overrides.pathOfVariable("HAMLET_X_SNAKE___CASE"));
    }

    @Test
    void shouldRejectVariableNamesThatMapToNoPath() {
        assertEquals(Optional.empty(), Overrides.pathOfVariable("HAMLET_"));
        assertEquals(Optional.empty(), Overrides.pathOfVariable("HAMLET_ADMIN_"));
        assertEquals(Optional.empty(), Overrides.pathOfVariable("HAMLET__ADMIN"));
        assertEquals(Optional.empty(), Overrides.pathOfVariable("HAMLET_A____B"));
    }

    @Test
    void shouldSkipStartScriptVariablesAndOtherVariables() {
        final Overrides.Result result = Overrides.of(Map.of(
            "HAMLET_HOME", "/opt/hamlet", "HAMLET_OPTS", "-Xmx1g", "HAMLET_CONF", "/etc/node.conf",
            "HAMLET_JAVA_OPTS", "-ea", "PATH", "/bin", "hamlet_admin_port", "1", "HAMLET_ADMIN_PORT", "7790"),
            Map.of());

        assertEquals(List.of(new Overrides.Override("hamlet.admin.port", "7790",
            "environment variable HAMLET_ADMIN_PORT")), result.entries());
        assertTrue(result.problems().isEmpty());
    }

    @Test
    void shouldTakeHamletSystemPropertiesExceptKernelOnesAfterVariables() {
        final Overrides.Result result = Overrides.of(Map.of("HAMLET_ADMIN_PORT", "7790"), Map.of(
            "hamlet.admin.port", "7791", "hamlet.home", "/opt/hamlet", "hamlet.conf.file", "/x.conf",
            "java.version", "17"));

        assertEquals(List.of(
            new Overrides.Override("hamlet.admin.port", "7790", "environment variable HAMLET_ADMIN_PORT"),
            new Overrides.Override("hamlet.admin.port", "7791", "system property hamlet.admin.port")),
            result.entries());
    }

    @Test
    void shouldReportVariableThatMapsToNoPath() {
        final Overrides.Result result = Overrides.of(Map.of("HAMLET_ADMIN_", "1"), Map.of());

        assertTrue(result.entries().isEmpty());
        assertEquals(1, result.problems().size());
        assertTrue(result.problems().get(0).startsWith("ignoring environment variable HAMLET_ADMIN_"));
    }
}

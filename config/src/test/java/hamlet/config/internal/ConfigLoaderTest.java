package hamlet.config.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each check of a proposed config, in its order: syntax, unknown keys, types, validators. */
class ConfigLoaderTest {
    private static final String FILE = "/opt/hamlet/conf/node.conf";
    private final ConfigLoader loader = new ConfigLoader(FILE);
    private final Config reference = new Harness().references.merged().config();

    private ConfigLoader.Outcome propose(final String text, final NamedValidator... validators) {
        return loader.propose(Optional.of(text), reference, ConfigFactory.empty(), List.of(validators));
    }

    private Refusal refusal(final String text, final NamedValidator... validators) {
        final ConfigLoader.Outcome outcome = propose(text, validators);
        return assertInstanceOf(ConfigLoader.Refused.class, outcome, "accepted: " + outcome).refusal();
    }

    private Config applied(final String text) {
        final ConfigLoader.Outcome outcome = propose(text);
        return assertInstanceOf(ConfigLoader.Applied.class, outcome, "refused: " + outcome).config();
    }

    @Test
    void shouldReportSyntaxErrorWithFileAndLine() {
        final Refusal refusal = refusal("hamlet {\n  admin {\n    port = 7781\n    host = [\n  }\n}\n");

        assertEquals(FILE, refusal.file());
        assertEquals(5, refusal.line());
        assertTrue(refusal.message().startsWith("syntax error: "), refusal.message());
        assertTrue(refusal.message().endsWith("(line 5)"), refusal.message());
        assertTrue(!refusal.message().contains(FILE), "the file is named once, by the refusal: " + refusal.message());
    }

    @Test
    void shouldReportUnclosedBraceAtEndOfFile() {
        final Refusal refusal = refusal("hamlet {\n  admin.port = 7781\n");

        assertEquals(3, refusal.line());
    }

    @Test
    void shouldReportUnknownKeyWithItsLine() {
        final Refusal refusal = refusal("""
            hamlet {
              node.id = node1

              registry {
                dispatcher.throughput = 5
              }
              registry.trhoughput = 12
            }
            """);

        assertEquals("unknown key hamlet.registry.trhoughput (line 7)", refusal.message());
        assertEquals(7, refusal.line());
        assertEquals(FILE, refusal.file());
    }

    @Test
    void shouldReportFirstUnknownKeyByLineAndNameTheOthers() {
        final Refusal refusal = refusal("hamlet.admin.prot = 1\nhamlet.registy { a = 1 }\nhamlet.node.idd = x\n");

        assertEquals("unknown key hamlet.admin.prot (line 1); also unknown: hamlet.registy hamlet.node.idd",
            refusal.message());
    }

    @Test
    void shouldReportUnknownSection() {
        assertEquals("unknown key hamlet.gossip (line 1)", refusal("hamlet.gossip { probe-interval = 1s }").message());
    }

    @Test
    void shouldIgnoreKeysOutsideHamlet() {
        final Config config = applied("defaults { port = 7790 }\nhamlet.admin.port = ${defaults.port}\n");

        assertEquals(7790, config.getInt("hamlet.admin.port"));
    }

    @Test
    void shouldAcceptAnythingUnderAnEmptyReferenceObject() {
        final Config config = applied("hamlet.actors { worker { behavior = worker, instances = 3, tags = [a] } }");

        assertEquals(3, config.getInt("hamlet.actors.worker.instances"));
    }

    @Test
    void shouldReportWrongTypeForNumber() {
        final Refusal refusal = refusal("hamlet {\n  admin.port = seventy\n}\n");

        assertEquals("wrong type for hamlet.admin.port: expected number, got string \"seventy\" (line 2)",
            refusal.message());
        assertEquals(2, refusal.line());
    }

    @Test
    void shouldReportWrongTypeForDuration() {
        final Refusal refusal = refusal("hamlet.registry.supervision.window = soon\n");

        assertEquals("wrong type for hamlet.registry.supervision.window: expected duration, got string \"soon\""
            + " (line 1)", refusal.message());
    }

    @Test
    void shouldReportObjectWhereReferenceHasString() {
        final Refusal refusal = refusal("hamlet.admin.host { name = x }\n");

        assertTrue(refusal.message().startsWith("wrong type for hamlet.admin.host: expected string, got object"),
            refusal.message());
    }

    @Test
    void shouldReportScalarWhereReferenceHasObject() {
        final Refusal refusal = refusal("hamlet.registry.dispatcher = 5\n");

        assertEquals("wrong type for hamlet.registry.dispatcher: expected object, got number 5 (line 1)",
            refusal.message());
    }

    @Test
    void shouldAcceptNumbersWrittenAsStrings() {
        assertEquals(7790, applied("hamlet.admin.port = \"7790\"").getInt("hamlet.admin.port"));
    }

    @Test
    void shouldReportUnresolvedSubstitutionWithLine() {
        final Refusal refusal = refusal("hamlet.admin.port = 1\nhamlet.admin.host = ${nowhere}\n");

        assertEquals(2, refusal.line());
        assertTrue(refusal.message().contains("nowhere"), refusal.message());
    }

    @Test
    void shouldCheckSyntaxBeforeUnknownKeysBeforeTypes() {
        assertTrue(refusal("hamlet.admin.prot = 1\nhamlet.admin.port = x\n}").message().startsWith("syntax error"));
        assertTrue(refusal("hamlet.admin.prot = 1\nhamlet.admin.port = x\n").message().startsWith("unknown key"));
    }

    @Test
    void shouldRefuseWithValidatorMessageAtTheKeyItNames() {
        final NamedValidator positive = new NamedValidator("registry", proposed -> {
            if (proposed.getInt("hamlet.registry.mailbox-bound") < 1) {
                throw new IllegalArgumentException("hamlet.registry.mailbox-bound must be >= 1, got "
                    + proposed.getInt("hamlet.registry.mailbox-bound"));
            }
        });

        final Refusal refusal = refusal("hamlet {\n  admin.port = 7781\n  registry.mailbox-bound = 0\n}\n", positive);

        assertEquals("hamlet.registry.mailbox-bound must be >= 1, got 0 (line 3)", refusal.message());
        assertEquals(FILE, refusal.file());
    }

    @Test
    void shouldNotRunValidatorsWhenTypesAreWrong() {
        final NamedValidator exploding = new NamedValidator("admin", proposed -> {
            throw new AssertionError("validator called on an ill-typed config");
        });

        assertTrue(refusal("hamlet.admin.port = x", exploding).message().startsWith("wrong type"));
    }

    @Test
    void shouldRefuseWhenValidatorNamesNoKey() {
        final NamedValidator crossKey = new NamedValidator("admin", proposed -> {
            throw new IllegalArgumentException("the admin port must differ from the node port");
        });

        final Refusal refusal = refusal("hamlet.admin.port = 7701", crossKey);

        assertEquals(new Refusal(FILE, -1, "the admin port must differ from the node port"), refusal);
    }

    @Test
    void shouldRefuseWhenValidatorThrowsConfigException() {
        final NamedValidator reading =
            new NamedValidator("admin", proposed -> proposed.getBoolean("hamlet.admin.host"));

        final Refusal refusal = refusal("hamlet {\n  admin.host = localhost\n}\n", reading);

        assertEquals(2, refusal.line());
        assertTrue(refusal.message().contains("hamlet.admin.host"), refusal.message());
    }

    @Test
    void shouldRefuseWhenValidatorFails() {
        final NamedValidator broken = new NamedValidator("admin", proposed -> {
            throw new IllegalStateException("bug");
        });

        assertEquals("the validator of section admin failed: java.lang.IllegalStateException: bug",
            refusal("hamlet.admin.port = 1", broken).message());
    }

    @Test
    void shouldKeepGoodOverridesAndLeaveOutBadOnes() {
        final ConfigLoader.Vetted vetted = loader.vetOverrides(List.of(
            new Overrides.Override("hamlet.admin.port", "7790", "environment variable HAMLET_ADMIN_PORT"),
            new Overrides.Override("hamlet.admin.prot", "7790", "environment variable HAMLET_ADMIN_PROT"),
            new Overrides.Override("hamlet.registry.dispatcher.throughput", "lots", "system property x"),
            new Overrides.Override("hamlet.actors.a.b", "c", "system property hamlet.actors.a.b"),
            new Overrides.Override("hamlet.admin port", "1", "system property hamlet.admin port"),
            new Overrides.Override("hamlet..port", "1", "system property hamlet..port")),
            reference);

        assertEquals(7790, vetted.config().getValue("hamlet.admin.port").unwrapped());
        assertEquals("c", vetted.config().getString("hamlet.actors.a.b"));
        assertEquals(List.of(
            "ignoring environment variable HAMLET_ADMIN_PROT: unknown key hamlet.admin.prot",
            "ignoring system property x: wrong type for hamlet.registry.dispatcher.throughput: expected number,"
                + " got string \"lots\"",
            "ignoring system property hamlet.admin port: unknown key hamlet.\"admin port\"",
            "ignoring system property hamlet..port: hamlet..port is not a config path"),
            vetted.problems());
    }

    @Test
    void shouldLetLaterOverrideWin() {
        final ConfigLoader.Vetted vetted = loader.vetOverrides(List.of(
            new Overrides.Override("hamlet.admin.port", "1", "environment variable HAMLET_ADMIN_PORT"),
            new Overrides.Override("hamlet.admin.port", "2", "system property hamlet.admin.port")), reference);

        assertEquals(2, vetted.config().getInt("hamlet.admin.port"));
        final ConfigLoader.Outcome outcome = loader.propose(Optional.of("hamlet.admin.port = 3"), reference,
            vetted.config(), List.of());
        assertEquals(2, ((ConfigLoader.Applied) outcome).config().getInt("hamlet.admin.port"));
    }

    @Test
    void shouldBuildDefaultsFromReferencesAndOverrides() {
        final Config defaults = loader.defaults(reference, ConfigFactory.parseMap(Map.of("hamlet.admin.port", 1)));

        assertEquals(1, defaults.getInt("hamlet.admin.port"));
        assertEquals(5, defaults.getInt("hamlet.registry.dispatcher.throughput"));
    }

    @Test
    void shouldStripOriginFromTypesafeMessages() {
        final ConfigException e = new ConfigException.BadValue(
            ConfigFactory.parseString("a = 1", com.typesafe.config.ConfigParseOptions.defaults()
                .setOriginDescription(FILE)).getValue("a").origin(), "a", "no good");

        assertEquals("Invalid value at 'a': no good", ConfigLoader.withoutOrigin(e));
    }
}

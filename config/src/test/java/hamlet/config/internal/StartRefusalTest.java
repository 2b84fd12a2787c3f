package hamlet.config.internal;

import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file refused at node start, under a launcher that reports it: nothing is pushed, the refusal names file, line
 * and key, and the validators the bundles declare are asked before their services exist.
 */
class StartRefusalTest {
    /** Refuses as the transport's validator does, naming the key. */
    private static void seeds(final Config proposed) {
        for (final String seed : proposed.getStringList("hamlet.actors.seeds")) {
            if (seed.startsWith("ftp:")) {
                throw new IllegalArgumentException("hamlet.actors.seeds entry '" + seed + "' is not a peer address");
            }
        }
    }

    private static Harness refusing() {
        final Harness h = new Harness();
        h.refuseBrokenStart = true;
        return h;
    }

    @Test
    void shouldPushNothingAndNameFileLineAndKeyWhenAValidatorRefusesTheFileAtStart() {
        final Harness h = refusing();
        h.validators.add(new NamedValidator("actors", StartRefusalTest::seeds));
        h.file.write("hamlet {\n  node.id = node7\n  actors {\n    seeds = [\"ftp://x\"]\n  }\n}\n");

        h.start();

        assertEquals(List.of(), h.pushedPids());
        final Refusal refusal = h.live.startRefusal().orElseThrow();
        assertEquals(new Refusal(Harness.FILE, 4, "hamlet.actors.seeds entry 'ftp://x' is not a peer address (line 4)"),
            refusal);
        assertEquals("config refused at start: /opt/hamlet/conf/node.conf:4: hamlet.actors.seeds entry 'ftp://x' "
            + "is not a peer address", ConfigComponent.vetoLine(refusal));
        assertEquals(1, h.status().rejectedCount());
        assertEquals(0, h.status().appliedCount());
    }

    @Test
    void shouldRefuseASyntaxErrorAtStartWithItsLine() {
        final Harness h = refusing();
        h.file.write("hamlet {\n  admin.port = = 7790\n}\n");

        h.start();

        assertEquals(List.of(), h.pushedPids());
        final Refusal refusal = h.live.startRefusal().orElseThrow();
        assertEquals(2, refusal.line());
        assertTrue(ConfigComponent.vetoLine(refusal).startsWith(
            "config refused at start: /opt/hamlet/conf/node.conf:2: syntax error: "), refusal.toString());
    }

    @Test
    void shouldRefuseAnUnreadableFileAtStart() {
        final Harness h = refusing();
        h.file.unreadable("permission denied");

        h.start();

        assertEquals(List.of(), h.pushedPids());
        assertEquals("config refused at start: /opt/hamlet/conf/node.conf: cannot read the file: permission denied",
            ConfigComponent.vetoLine(h.live.startRefusal().orElseThrow()));
    }

    @Test
    void shouldNotPushDefaultsWhenBundlesComeAfterARefusedStartButApplyTheFixedFile() {
        final Harness h = refusing();
        h.references.remove(3);
        h.file.write("hamlet.registry.trhoughput = 1\n");
        h.start();

        h.references.put(3, "hamlet.admin", Harness.ADMIN_REFERENCE);
        h.run(Duration.ofMillis(250));
        assertEquals(List.of(), h.pushedPids());

        h.file.write("hamlet.admin.port = 7790\n");
        h.run(Duration.ofSeconds(1));
        assertEquals(7790, h.lastPushOf("hamlet.admin").get("hamlet.admin.port"));
        assertTrue(h.status().lastRejection().isEmpty());
    }

    @Test
    void shouldStartAsBeforeWhenTheFileIsGood() {
        final Harness h = refusing();
        h.file.write("hamlet.admin.port = 7790\n");

        h.start();

        assertTrue(h.live.startRefusal().isEmpty());
        assertEquals(7790, h.lastPushOf("hamlet.admin").get("hamlet.admin.port"));
    }

    @Test
    void shouldStillRunOnDefaultsWhenNoLauncherReportsTheRefusal() {
        final Harness h = new Harness();
        h.file.write("hamlet.registry.trhoughput = 1\n");

        h.start(Map.of(), Map.of());

        assertTrue(h.live.startRefusal().isEmpty());
        assertEquals(7780, h.lastPushOf("hamlet.admin").get("hamlet.admin.port"));
    }

    @Test
    void shouldFindTheValidatorsAComponentDescriptionDeclaresThatDsWouldBuildWithNothingInjected() throws Exception {
        final String xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <components xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0">
            <scr:component name="a.TransportSettingsValidator">
              <property name="hamlet.config.section" type="String" value="transport"/>
              <service><provide interface="hamlet.config.SettingsValidator"/></service>
              <implementation class="a.TransportSettingsValidator"/>
            </scr:component>
            <scr:component name="a.NodeSettingsValidator">
              <property name="hamlet.config.section" type="String" value="node"/>
              <service><provide interface="hamlet.config.SettingsValidator"/></service>
              <reference name="System" interface="x.ActorSystem" cardinality="0..1" policy="dynamic"/>
              <implementation class="a.NodeSettingsValidator"/>
            </scr:component>
            <scr:component name="a.Activated" activate="activate">
              <property name="hamlet.config.section" type="String" value="admin"/>
              <service><provide interface="hamlet.config.SettingsValidator"/></service>
              <implementation class="a.Activated"/>
            </scr:component>
            <scr:component name="a.TransportComponent" immediate="true">
              <property name="hamlet.config.section" type="String" value="cluster"/>
              <service><provide interface="hamlet.api.transport.Transport"/></service>
              <implementation class="a.TransportComponent"/>
            </scr:component>
            <scr:component name="a.NoSection">
              <service><provide interface="hamlet.config.SettingsValidator"/></service>
              <implementation class="a.NoSection"/>
            </scr:component>
            </components>
            """;

        final List<DeclaredValidators.Declared> declared = DeclaredValidators.parse(
            new ByteArrayInputStream(xml.strip().getBytes(StandardCharsets.UTF_8)));

        assertEquals(List.of(new DeclaredValidators.Declared("transport", "a.TransportSettingsValidator")), declared);
    }
}

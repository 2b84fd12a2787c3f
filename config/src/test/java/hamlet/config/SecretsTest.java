package hamlet.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretsTest {
    @Test
    void shouldTellSecretKeysByTheirLastSegment() {
        for (final String secret : new String[] {"hamlet.admin.token", "hamlet.tls.key-password", "x.password",
            "x.store-password", "x.client-secret", "x.secret", "x.apisecret", "x.TOKEN", "x.\"a.b\".token"}) {
            assertTrue(Secrets.isSecretPath(secret), secret);
        }
        for (final String plain : new String[] {"hamlet.admin.token-file", "hamlet.admin.host", "x.tokens",
            "x.password-file", "x.secret-file", "hamlet.token.port"}) {
            assertFalse(Secrets.isSecretPath(plain), plain);
        }
    }

    @Test
    void shouldRedactSetSecretsAtAnyDepthAndKeepUnsetOnesAndEverythingElse() {
        final Config config = ConfigFactory.parseString("""
            hamlet {
              admin { host = 0.0.0.0, token = "s3cr3t-Tok3n", token-file = "" }
              tls { key-password = "pa55-w0rd", cert = "" }
              actors { a { config { db-password = 12345, users = [{ name = x, password = hunter2 }] } } }
              other { password = "" }
            }
            """).resolve();
        final Config redacted = Secrets.redact(config);
        assertEquals(Secrets.REDACTED, redacted.getString("hamlet.admin.token"));
        assertEquals(Secrets.REDACTED, redacted.getString("hamlet.tls.key-password"));
        assertEquals(Secrets.REDACTED, redacted.getString("hamlet.actors.a.config.db-password"));
        assertEquals(Secrets.REDACTED,
            redacted.getConfigList("hamlet.actors.a.config.users").get(0).getString("password"));
        assertEquals("x", redacted.getConfigList("hamlet.actors.a.config.users").get(0).getString("name"));
        assertEquals("", redacted.getString("hamlet.other.password"));
        assertEquals("0.0.0.0", redacted.getString("hamlet.admin.host"));
        assertEquals("", redacted.getString("hamlet.admin.token-file"));
        final String json = redacted.root().render(ConfigRenderOptions.concise());
        assertFalse(json.contains("s3cr3t") || json.contains("pa55") || json.contains("hunter2")
            || json.contains("12345"), json);
    }

    @Test
    void shouldKeepWhereTheSecretCameFromButDropItsComments() {
        final Config config = ConfigFactory.parseString("""
            hamlet.admin {
              # the old one was oldT0ken
              token = "s3cr3t-Tok3n"
            }
            """, com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("/etc/node.conf"));
        final String rendered = Secrets.redact(config).root().render(ConfigRenderOptions.defaults()
            .setJson(false).setComments(true).setOriginComments(true));
        assertTrue(rendered.contains("/etc/node.conf: 3"), rendered);
        assertTrue(rendered.contains("token=\"" + Secrets.REDACTED + "\""), rendered);
        assertFalse(rendered.contains("oldT0ken"), rendered);
    }

    @Test
    void shouldReturnTheSameConfigWhenNothingIsSecret() {
        final Config config = ConfigFactory.parseString("hamlet.admin.port = 1");
        assertSame(config, Secrets.redact(config));
    }
}

package hamlet.it.container;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;

import javax.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.Assert.assertTrue;

/** The actor:* and config:* Gogo commands, run through the real shell runtime as an operator types them. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellCommandsIT extends ContainerTestSupport {
    @Inject
    private CommandProcessor processor;

    /** The command components come up on their own, after the services they use: wait for both scopes. */
    @Before
    public void awaitCommands() {
        awaitTrue("actor:* and config:* commands registered",
            () -> registered("actor") && registered("config"));
    }

    private boolean registered(final String scope) {
        try {
            return context.getServiceReferences((String) null, "(osgi.command.scope=" + scope + ")") != null;
        } catch (final InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    public void shouldSpawnAskListAndStopFromTheShell() throws Exception {
        assertTrue(run("actor:spawn echo shell-echo").contains("shell-echo"));
        assertTrue(run("actor:list").contains("shell-echo"));
        assertTrue(run("actor:ask shell-echo hello").contains("hello"));
        assertTrue(run("actor:ask shell-echo '{\"a\":1}'").contains("\"a\""));
        run("actor:send nobody hello");
        assertTrue(run("actor:deadletters").contains("nobody"));
        assertTrue(run("actor:stop shell-echo").contains("shell-echo"));
        assertTrue(system.actor("shell-echo").isEmpty() || system.actor("shell-echo").get().state()
            == hamlet.api.ActorInfo.State.STOPPED);
    }

    @Test
    public void shouldExplainMistakesInOneLine() throws Exception {
        final String unknown = run("actor:spawn ecco e2");
        assertTrue(unknown, unknown.contains("ecco"));
        assertTrue(unknown, !unknown.contains("\tat "));
        final String malformed = run("actor:send a:b:c hello");
        assertTrue(malformed, malformed.contains("more than one ':'"));
    }

    @Test
    public void shouldShowTheConfigInForce() throws Exception {
        final String shown = run("config:show");
        assertTrue(shown, shown.contains("it-node"));
        assertTrue(shown, shown.contains("node.conf"));
    }

    /** Runs one command line and returns what it printed and returned, or the error's message. */
    private String run(final String line) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        final CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            final Object result = session.execute(line);
            if (result != null) {
                print.println(session.format(result, org.apache.felix.service.command.Converter.INSPECT));
            }
        } catch (final Exception e) {
            print.println(e.getMessage());
        } finally {
            session.close();
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

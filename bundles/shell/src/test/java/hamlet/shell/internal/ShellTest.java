package hamlet.shell.internal;

import hamlet.testkit.FakeActorSystem;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ShellTest {
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReturnOutputAndPrintNothingWhenCommandSucceeds() {
        assertEquals("ok\n", Shell.run("actor:list", () -> "ok\n", err));
        assertEquals("", err());
    }

    @Test
    void shouldPrintUserErrorAsOneLineWithoutStackTrace() {
        assertNull(Shell.run("actor:spawn", () -> {
            throw new CommandException("actor:spawn", "unknown behaviour 'ecco'; known: echo");
        }, err));
        assertEquals("actor:spawn: unknown behaviour 'ecco'; known: echo" + System.lineSeparator(), err());
    }

    @Test
    void shouldPrintUnexpectedFailureAsOneLine() {
        assertNull(Shell.run("actor:list", () -> {
            throw new IllegalStateException("registry stopped");
        }, err));
        assertEquals("actor:list: failed: java.lang.IllegalStateException: registry stopped"
            + System.lineSeparator(), err());
    }

    @Test
    void shouldRenderDeadLetterReplyAsNestedJson() {
        final hamlet.api.DeadLetter letter = new hamlet.api.DeadLetter("ghost", "me", "x",
            hamlet.api.DeadLetter.Reason.UNKNOWN_ACTOR, "no actor 'ghost'", FakeActorSystem.AT);
        assertEquals("{\"deadLetter\":{\"to\":\"ghost\",\"from\":\"me\",\"reason\":\"UNKNOWN_ACTOR\","
            + "\"detail\":\"no actor 'ghost'\",\"at\":\"2026-01-02T03:04:05Z\",\"body\":\"x\"}}",
            Bodies.toJsonText(letter));
        assertEquals("42", Bodies.toJsonText(42));
        assertEquals("null", Bodies.toJsonText(null));
    }
}

package hamlet.it.system;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints the nodes' output to stderr when a test fails, one block per node: {@code <test> failed; <heading>:} and the
 * text on the next lines. The outputs are taken when the test has failed, so the supplier may read fields that the
 * test fills in. Register it as a field: {@code @RegisterExtension final NodeOutputOnFailure dumpOnFailure =
 * NodeOutputOnFailure.numbered(() -> nodes);}.
 */
public final class NodeOutputOnFailure implements TestWatcher {
    /** Heading -> text, in the order to print. */
    private final Supplier<? extends Collection<? extends Map.Entry<String, String>>> outputs;
    /** Lines printed before the outputs, bare (each element's toString). */
    private final Supplier<? extends Collection<?>> linesFirst;
    /** Whether a line {@code <test class>: <test> failed: <cause>} comes first. */
    private final boolean cause;

    /** @param outputs heading -> text, in the order to print: {@code Map.of("the node's output", node.dump())} */
    public NodeOutputOnFailure(final Supplier<? extends Map<String, String>> outputs) {
        this(() -> outputs.get().entrySet(), List::of, false);
    }

    private NodeOutputOnFailure(final Supplier<? extends Collection<? extends Map.Entry<String, String>>> outputs,
        final Supplier<? extends Collection<?>> linesFirst, final boolean cause) {
        this.outputs = outputs;
        this.linesFirst = linesFirst;
        this.cause = cause;
    }

    /** The nodes of a list, in its order, each under {@code nodeN's output} (N from 1) with its {@code dump()}. */
    public static NodeOutputOnFailure numbered(final Supplier<? extends List<NodeProcess>> nodes) {
        return new NodeOutputOnFailure(() -> {
            final List<NodeProcess> all = nodes.get();
            final List<Map.Entry<String, String>> out = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                out.add(Map.entry("node" + (i + 1) + "'s output", all.get(i).dump()));
            }
            return out;
        }, List::of, false);
    }

    /** The nodes of a collection, in its order, each under {@code <name>'s output} with the given text. */
    public static <T> NodeOutputOnFailure named(final Supplier<? extends Collection<? extends T>> nodes,
        final Function<? super T, String> name, final Function<? super T, String> output) {
        return new NodeOutputOnFailure(() -> {
            final List<Map.Entry<String, String>> out = new ArrayList<>();
            for (final T n : nodes.get()) {
                out.add(Map.entry(name.apply(n) + "'s output", output.apply(n)));
            }
            return out;
        }, List::of, false);
    }

    /** The same, and first a line {@code <test class>: <test> failed: <cause>}. */
    public NodeOutputOnFailure withCause() {
        return new NodeOutputOnFailure(outputs, linesFirst, true);
    }

    /** The same, and first (after the cause, if asked for) one line per element of {@code lines}, bare. */
    public NodeOutputOnFailure withLinesFirst(final Supplier<? extends Collection<?>> lines) {
        return new NodeOutputOnFailure(outputs, lines, cause);
    }

    @Override
    public void testFailed(final ExtensionContext context, final Throwable failure) {
        if (cause) {
            System.err.println(context.getRequiredTestClass().getSimpleName() + ": " + context.getDisplayName()
                + " failed: " + failure);
        }
        linesFirst.get().forEach(line -> System.err.println(line));
        for (final Map.Entry<String, String> e : outputs.get()) {
            System.err.println(context.getDisplayName() + " failed; " + e.getKey() + ":\n" + e.getValue());
        }
    }
}

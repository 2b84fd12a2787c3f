package hamlet.example.worker;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import hamlet.api.Actor;
import hamlet.api.ActorContext;
import hamlet.api.DeadLetter;
import hamlet.api.Message;

/**
 * Does one small job per message and replies with the result. Bodies are JSON objects:
 *
 * <pre>
 * {"task":"fib","n":N}         0 &lt;= N &lt;= 90  -&gt; {"worker":"w1","task":"fib","result":F(N),"done":D}
 * {"task":"words","text":"…"}                -&gt; {"worker":"w1","task":"words","result":WORDS,"done":D}
 * {"task":"stats"}                           -&gt; {"worker":"w1","done":D}
 * anything else                              -&gt; {"worker":"w1","error":"what is wrong"}
 * </pre>
 *
 * <p>{@code done} counts the jobs this worker has done (fib and words), including the one replied to. When the
 * message carries an {@code "id"} field, the reply carries the same value: that is how a {@code job-router}, or any
 * client with several jobs out, matches replies to jobs.
 *
 * <p>A bad job gets an error reply and never an exception: an exception would restart the actor and lose its count
 * for a mistake that is the sender's, not the worker's.
 */
final class WorkerActor implements Actor {
    /** F(92) is the largest Fibonacci number in a long; 90 keeps a margin and is the documented limit. */
    static final int MAX_FIB = 90;

    private final String name;
    private long done;

    WorkerActor(final String name) {
        this.name = name;
    }

    @Override
    public void onMessage(final Message message, final ActorContext context) {
        if (message.body() instanceof DeadLetter) {
            // A reply of ours was not delivered (its asker gave up, or stopped). Never answer a dead letter: two
            // actors could bounce it forever.
            context.log().debug("[{}] reply not delivered: {}", context.system().nodeId(), message.body());
            return;
        }
        final JsonObject reply = handle(message);
        if (context.sender() == null) {
            // Sent with tell and no sender: the work is done and counted, but a reply would only be a dead letter.
            context.log().debug("[{}] no sender for {}", context.system().nodeId(), reply);
            return;
        }
        context.reply(reply);
    }

    /** The restart after a hot swap of this bundle keeps the count. */
    @Override
    public JsonElement snapshot() {
        return new JsonPrimitive(done);
    }

    @Override
    public void restore(final JsonElement state) {
        done = state.getAsLong();
    }

    private JsonObject handle(final Message message) {
        final JsonObject job;
        try {
            job = message.body(JsonObject.class);
        } catch (final RuntimeException notAnObject) {
            return error(null, "a job must be a JSON object like {\"task\":\"fib\",\"n\":10}, got "
                    + describe(message.body()));
        }
        final JsonElement id = job.get("id");
        try {
            final String task = string(job, "task");
            switch (task) {
                case "fib":
                    return result(id, task, fib(fibArgument(job)));
                case "words":
                    return result(id, task, words(string(job, "text")));
                case "stats":
                    return stats(id);
                default:
                    throw new BadJobException("unknown task '" + task + "'; expected fib, words or stats");
            }
        } catch (final BadJobException e) {
            return error(id, e.getMessage());
        }
    }

    private JsonObject result(final JsonElement id, final String task, final long result) {
        done++;
        final JsonObject reply = reply(id);
        reply.addProperty("task", task);
        reply.addProperty("result", result);
        reply.addProperty("done", done);
        return reply;
    }

    private JsonObject stats(final JsonElement id) {
        final JsonObject reply = reply(id);
        reply.addProperty("done", done);
        return reply;
    }

    private JsonObject error(final JsonElement id, final String what) {
        final JsonObject reply = reply(id);
        reply.addProperty("error", what);
        return reply;
    }

    private JsonObject reply(final JsonElement id) {
        final JsonObject reply = new JsonObject();
        reply.addProperty("worker", name);
        if (id != null) {
            reply.add("id", id);
        }
        return reply;
    }

    private static String string(final JsonObject job, final String field) throws BadJobException {
        final JsonElement value = job.get(field);
        if (value == null || value.isJsonNull()) {
            throw new BadJobException(field + " is missing");
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new BadJobException(field + " must be a string, got " + value);
        }
        return value.getAsString();
    }

    private static int fibArgument(final JsonObject job) throws BadJobException {
        final JsonElement n = job.get("n");
        if (n == null || n.isJsonNull()) {
            throw new BadJobException("n is missing; fib needs an integer n from 0 to " + MAX_FIB);
        }
        if (!n.isJsonPrimitive() || !n.getAsJsonPrimitive().isNumber()) {
            throw new BadJobException("n must be an integer from 0 to " + MAX_FIB + ", got " + n);
        }
        final double value = n.getAsDouble();
        if (value != Math.rint(value) || value < 0 || value > MAX_FIB) {
            throw new BadJobException("n must be an integer from 0 to " + MAX_FIB + ", got " + n);
        }
        return (int) value;
    }

    /** Iterative, so that a job costs microseconds and the demo shows the runtime rather than the arithmetic. */
    static long fib(final int n) {
        long current = 0;
        long next = 1;
        for (int i = 0; i < n; i++) {
            final long sum = current + next;
            current = next;
            next = sum;
        }
        return current;
    }

    static long words(final String text) {
        final String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    private static String describe(final Object body) {
        if (body == null) {
            return "nothing";
        }
        final String text = String.valueOf(body);
        final String shown = text.length() > 60 ? text.substring(0, 60) + "…" : text;
        return body.getClass().getSimpleName() + " " + shown;
    }

    /** A job that cannot be done; its message is the error the sender gets. */
    private static final class BadJobException extends Exception {
        private static final long serialVersionUID = 1L;

        BadJobException(final String message) {
            super(message, null, false, false);
        }
    }
}

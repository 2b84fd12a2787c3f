package hamlet.tools;

import java.util.Map;

/**
 * What became of one job of the demo, from the answer of POST /api/ask: the worker's reply
 * ({"worker","task","result","done"}), a worker's error reply, or a failed request.
 */
record JobOutcome(boolean ok, String worker, String detail) {

    static JobOutcome of(final AdminClient.Response response, final Throwable failure) {
        if (failure != null) {
            final Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            return new JobOutcome(false, null, "request failed: " + cause);
        }
        final Object json = response.json();
        if (response.status() != 200) {
            return new JobOutcome(false, null, response.status() + " " + Json.write(json));
        }
        final Object reply = Json.at(json, "reply");
        if (!(reply instanceof Map<?, ?> map)) {
            return new JobOutcome(false, null, "unexpected reply " + Json.write(json));
        }
        final Object worker = map.get("worker");
        if (map.containsKey("error")) {
            return new JobOutcome(false, worker == null ? null : worker.toString(), "error: " + map.get("error"));
        }
        if (worker == null || !map.containsKey("result")) {
            return new JobOutcome(false, null, "unexpected reply " + Json.write(reply));
        }
        return new JobOutcome(true, worker.toString(),
            String.format("%-22s (%s has done %s)", "= " + map.get("result"), worker, map.get("done")));
    }

    /** "job  7/40  fib(42)                       -> worker-3  = 267914296  (worker-3 has done 2)". */
    String line(final int finished, final int total, final Jobs.Job job) {
        final String width = Integer.toString(Integer.toString(total).length());
        final String count = String.format("%" + width + "d/%d", finished, total);
        return String.format("  job %s  #%-3d %-32s -> %-9s %s", count, job.id(), job.label(),
            worker == null ? (ok ? "" : "FAILED") : worker, detail);
    }
}

package hamlet.shell.internal;

import hamlet.config.ConfigStatus;
import hamlet.config.Secrets;

import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code config:*} commands without Gogo. Threading: called from a shell session's thread; reads an immutable
 * snapshot from the config service.
 */
final class ConfigCommands {
    /** One key and its value on a line of the HOCON the config bundle renders: {@code token="x"}, {@code a : 1}. */
    private static final Pattern ASSIGNMENT =
        Pattern.compile("^(\\s*)(\"?)([A-Za-z0-9_-]+)\\2(\\s*[=:]\\s*)(.*?)(,?)$");
    private static final String UNSET = "\"\"";
    private static final String HIDDEN = "\"" + Secrets.REDACTED + "\"";

    private final Supplier<ConfigStatus> status;

    /** @param status the config service, or a supplier of {@code null} while it is absent */
    ConfigCommands(final Supplier<ConfigStatus> status) {
        this.status = status;
    }

    /** @return the watched file, how edits went, the last refusal with file and line, then the config in force */
    String show() {
        final ConfigStatus config = status.get();
        if (config == null) {
            throw new CommandException("config:show", "the config service is not available: the hamlet.config"
                + " bundle is not running or has not loaded the config yet");
        }
        final StringBuilder text = new StringBuilder();
        text.append("file:          ").append(config.file()).append('\n');
        text.append("applied:       ").append(config.appliedAt()).append(" (")
            .append(times(config.appliedCount(), "edit")).append(" applied since start, counting the first load)\n");
        text.append("refused:       ").append(times(config.rejectedCount(), "edit")).append(" since start\n");
        final Optional<ConfigStatus.Rejection> rejection = config.lastRejection();
        if (rejection.isPresent()) {
            final ConfigStatus.Rejection last = rejection.get();
            text.append("last refused:  ").append(last.file()).append(last.line() > 0 ? ":" + last.line() : "")
                .append(": ").append(last.message()).append('\n');
            text.append("               at ").append(last.at())
                .append("; the config below stays in force until the file is fixed\n");
        } else {
            text.append("last edit:     applied\n");
        }
        text.append("\nconfig in force:\n").append(redacted(config.effective()));
        if (text.charAt(text.length() - 1) != '\n') {
            text.append('\n');
        }
        return text.toString();
    }

    /**
     * The config bundle redacts secrets itself; an older one did not, so a secret's one-line value is hidden here
     * too, by the same rule ({@link Secrets}), whatever the config service hands over.
     */
    static String redacted(final String hocon) {
        final String[] lines = hocon.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            final Matcher line = ASSIGNMENT.matcher(lines[i]);
            if (line.matches() && Secrets.isSecretKey(line.group(3)) && !line.group(5).equals(UNSET)
                && !line.group(5).equals(HIDDEN)) {
                lines[i] = line.group(1) + line.group(2) + line.group(3) + line.group(2) + line.group(4) + HIDDEN
                    + line.group(6);
            }
        }
        return String.join("\n", lines);
    }

    private static String times(final long count, final String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}

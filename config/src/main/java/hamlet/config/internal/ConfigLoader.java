package hamlet.config.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import hamlet.config.Secrets;
import hamlet.config.Sections;

import java.nio.file.Path;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a proposed config from its layers and checks it, in order: HOCON syntax, unknown keys under
 * {@code hamlet}, value types against the references, then the bundles' validators. The first failure refuses the
 * proposal. Stateless apart from the file's name; every method may be called from any thread.
 */
final class ConfigLoader {
    /** What a proposal came to. */
    sealed interface Outcome permits Applied, Refused {
    }

    /** @param config the whole resolved config, ready to be put in force */
    record Applied(Config config) implements Outcome {
    }

    /** @param refusal the first fault found */
    record Refused(Refusal refusal) implements Outcome {
    }

    /**
     * The overrides that passed, and why the others were left out.
     *
     * @param config the overrides that passed, highest precedence first
     * @param problems one line per override left out
     */
    record Vetted(Config config, List<String> problems) {
    }

    private static final Pattern KEY = Pattern.compile("hamlet(?:\\.[A-Za-z0-9_-]+)+");
    private static final Pattern AMOUNT_WITH_UNIT = Pattern.compile("\\s*[0-9]+(\\.[0-9]+)?\\s*[a-zA-Z]+\\s*");
    private static final int MAX_RENDERED = 40;
    /** A key being set on a line of HOCON: {@code key =}, {@code a.b-c :}, {@code "key" {}, {@code key +=}. */
    private static final Pattern ASSIGNED_KEY = Pattern.compile("([A-Za-z0-9_\".-]+)\\s*(?:=|:|\\{|\\+=)");
    private static final Pattern QUOTED = Pattern.compile("(['\"])(.*?)\\1");
    private static final int MAX_MORE_KEYS = 3;

    private final String fileName;
    /** Where the validators resolve the relative paths they check, as the owning bundles do. */
    private final Path configFolder;

    /** @param fileName the config file's name; it is the origin of everything parsed from the file's text */
    ConfigLoader(final String fileName) {
        this.fileName = fileName;
        final Path parent = Path.of(fileName).toAbsolutePath().getParent();
        this.configFolder = parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    /**
     * @param fileText the file's content, or empty when there is no file
     * @param reference the merged references, unresolved
     * @param overrides the vetted overrides
     * @param validators the bundles' validators, called in this order
     * @return the resolved config, or the first fault
     */
    Outcome propose(final Optional<String> fileText, final Config reference, final Config overrides,
                    final List<NamedValidator> validators) {
        if (fileText.isPresent()) {
            final OptionalInt tooDeep = NestingDepth.tooDeepAt(fileText.get());
            if (tooDeep.isPresent()) {
                final int line = tooDeep.getAsInt();
                return refused(new Refusal(fileName, line, "syntax error: objects and lists nested more than "
                    + NestingDepth.MAX + " levels deep (line " + line + ")"));
            }
        }
        try {
            return checked(fileText, reference, overrides, validators);
        } catch (final StackOverflowError e) {
            // Typesafe Config resolves substitutions recursively too: a chain of some thousands (a = ${b}, b = ${c},
            // ...) overflows the stack where nesting cannot, being flat text. Nothing is half-applied by then: the
            // proposal is only built here, so it can be refused like any other fault.
            return refused(new Refusal(fileName, -1, "the file cannot be read: its substitutions (${...}) chain or "
                + "nest too deeply for the config parser (stack overflow)"));
        }
    }

    private Outcome checked(final Optional<String> fileText, final Config reference, final Config overrides,
                            final List<NamedValidator> validators) {
        final Config file;
        try {
            file = fileText.map(this::parseFile).orElse(ConfigFactory.empty());
        } catch (final ConfigException e) {
            return refused(Refusal.at(e.origin(), fileName,
                "syntax error: " + secretSafe(withoutOrigin(e), lineOf(e.origin()), fileText.get())));
        }
        final Config merged;
        final Config resolvedReference;
        try {
            merged = overrides.withFallback(file).withFallback(reference).resolve();
            resolvedReference = reference.resolveWith(merged);
        } catch (final ConfigException e) {
            return refused(Refusal.at(e.origin(), fileName, withoutOrigin(e)));
        }
        final Optional<Refusal> unknown = unknownKey(keysOf(file, merged), reference.root());
        if (unknown.isPresent()) {
            return refused(unknown.get());
        }
        final Optional<Refusal> wrongType = wrongType(merged, resolvedReference);
        if (wrongType.isPresent()) {
            return refused(wrongType.get());
        }
        for (final NamedValidator validator : validators) {
            final Optional<Refusal> refusal = validate(validator, merged);
            if (refusal.isPresent()) {
                return refused(refusal.get());
            }
        }
        return new Applied(merged);
    }

    /**
     * Checks each override on its own against the references, so that one bad variable cannot block every later
     * edit of the file: a bad override is left out (and reported), the others stay.
     *
     * @param overrides in increasing precedence
     * @param reference the merged references, unresolved
     * @return the overrides that passed, and a line for each one that did not
     */
    Vetted vetOverrides(final List<Overrides.Override> overrides, final Config reference) {
        Config kept = ConfigFactory.empty();
        final List<String> problems = new ArrayList<>();
        for (final Overrides.Override override : overrides) {
            final Config one;
            try {
                one = ConfigFactory.parseMap(Map.of(override.path(), override.value()), override.source());
            } catch (final ConfigException e) {
                problems.add("ignoring " + override.source() + ": " + override.path() + " is not a config path");
                continue;
            }
            Optional<Refusal> fault = unknownKey(one.root(), reference.root());
            Config typed = one;
            if (fault.isEmpty()) {
                try {
                    final Config merged = one.withFallback(reference).resolve();
                    final Config resolvedReference = reference.resolveWith(merged);
                    fault = wrongType(merged, resolvedReference);
                    if (fault.isEmpty()) {
                        typed = asReferenceType(one, override, merged, resolvedReference);
                    }
                } catch (final ConfigException e) {
                    fault = Optional.of(Refusal.at(e.origin(), override.source(), withoutOrigin(e)));
                }
            }
            if (fault.isPresent()) {
                problems.add("ignoring " + override.source() + ": " + fault.get().message());
            } else {
                kept = typed.withFallback(kept);
            }
        }
        return new Vetted(kept, List.copyOf(problems));
    }

    /**
     * An override arrives as text; a number or boolean of the reference is stored as one, so that a section pushed
     * to Configuration Admin has the same property types whichever layer set a key.
     */
    private static Config asReferenceType(final Config one, final Overrides.Override override, final Config merged,
                                          final Config resolvedReference) {
        if (!resolvedReference.hasPath(override.path())) {
            return one;
        }
        final Object value = switch (resolvedReference.getValue(override.path()).valueType()) {
            case NUMBER -> asLiteral(merged.getNumber(override.path()));
            case BOOLEAN -> merged.getBoolean(override.path());
            default -> null;
        };
        return value == null ? one : ConfigFactory.parseMap(Map.of(override.path(), value), override.source());
    }

    /** As HOCON types a number literal: an int when it fits, else a long, else a double. */
    private static Number asLiteral(final Number number) {
        if (number instanceof Long && number.longValue() == number.intValue()) {
            return number.intValue();
        }
        return number;
    }

    /**
     * The config without the file: what a node runs on when its file is broken at start. Not validated: there is
     * nothing better to fall back to.
     *
     * @throws ConfigException when even the references and overrides do not resolve
     */
    Config defaults(final Config reference, final Config overrides) {
        return overrides.withFallback(reference).resolve();
    }

    private Config parseFile(final String text) {
        return ConfigFactory.parseString(text, ConfigParseOptions.defaults()
            .setOriginDescription(fileName)
            .setSyntax(ConfigSyntax.CONF)
            .setClassLoader(ConfigLoader.class.getClassLoader()));
    }

    /** The file's keys, with its substitutions resolved against the whole config where that works. */
    private static ConfigObject keysOf(final Config file, final Config merged) {
        try {
            return file.resolveWith(merged).root();
        } catch (final ConfigException e) {
            return file.root();
        }
    }

    /** A path the proposal sets that no reference knows, with where it was set. */
    private record Unknown(String path, ConfigOrigin origin) {
    }

    private Optional<Refusal> unknownKey(final ConfigObject proposedRoot, final ConfigObject referenceRoot) {
        final ConfigValue proposed = proposedRoot.get(Sections.ROOT);
        if (!(proposed instanceof ConfigObject)) {
            return Optional.empty();
        }
        final List<Unknown> unknown = new ArrayList<>();
        walk((ConfigObject) proposed, referenceRoot.get(Sections.ROOT), List.of(Sections.ROOT), unknown);
        if (unknown.isEmpty()) {
            return Optional.empty();
        }
        unknown.sort(Comparator.comparingInt((Unknown u) -> lineOf(u.origin) < 0 ? Integer.MAX_VALUE
            : lineOf(u.origin)).thenComparing(Unknown::path));
        final Unknown first = unknown.get(0);
        final Refusal refusal = Refusal.at(first.origin, fileName, "unknown key " + first.path);
        if (unknown.size() == 1) {
            return Optional.of(refusal);
        }
        final StringBuilder more = new StringBuilder(refusal.message()).append("; also unknown:");
        unknown.stream().skip(1).limit(MAX_MORE_KEYS).forEach(u -> more.append(' ').append(u.path));
        if (unknown.size() > MAX_MORE_KEYS + 1) {
            more.append(" and ").append(unknown.size() - MAX_MORE_KEYS - 1).append(" more");
        }
        return Optional.of(new Refusal(refusal.file(), refusal.line(), more.toString()));
    }

    /**
     * Collects the keys of {@code proposed} that the reference lacks. A reference node that is an empty object is a
     * free-form subtree: anything may go under it. Below a reference leaf the type check speaks, not this walk.
     */
    private static void walk(final ConfigObject proposed, final ConfigValue reference, final List<String> path,
                             final List<Unknown> unknown) {
        final ConfigObject referenceObject = reference instanceof ConfigObject ? (ConfigObject) reference : null;
        try {
            for (final String key : new TreeSet<>(proposed.keySet())) {
                final ConfigValue value = proposed.get(key);
                final List<String> childPath = append(path, key);
                final ConfigValue referenceChild = referenceObject == null ? null : referenceObject.get(key);
                if (referenceChild == null) {
                    unknown.add(new Unknown(ConfigUtil.joinPath(childPath), value.origin()));
                } else if (referenceChild instanceof ConfigObject && !((ConfigObject) referenceChild).isEmpty()
                    && value instanceof ConfigObject) {
                    walk((ConfigObject) value, referenceChild, childPath, unknown);
                }
            }
        } catch (final ConfigException.NotResolved e) {
            // a subtree built by a substitution that cannot be resolved on its own: resolution reported it already
        }
    }

    private static List<String> append(final List<String> path, final String key) {
        final List<String> child = new ArrayList<>(path);
        child.add(key);
        return child;
    }

    /** A value of the wrong type, with where it was set. */
    private record WrongType(String path, ConfigOrigin origin, String message) {
    }

    private Optional<Refusal> wrongType(final Config merged, final Config reference) {
        if (!reference.hasPath(Sections.ROOT)) {
            return Optional.empty();
        }
        final List<WrongType> found = new ArrayList<>();
        try {
            merged.checkValid(reference, Sections.ROOT);
        } catch (final ConfigException.ValidationFailed e) {
            for (final ConfigException.ValidationProblem problem : e.problems()) {
                found.add(new WrongType(problem.path(), problem.origin(),
                    "wrong type for " + problem.path() + ": expected " + expected(reference, problem.path())
                        + ", got " + actual(merged, problem.path())));
            }
        }
        if (found.isEmpty()) {
            for (final Map.Entry<String, ConfigValue> leaf : reference.getConfig(Sections.ROOT).entrySet()) {
                strictCheck(merged, Sections.ROOT + "." + leaf.getKey(), leaf.getValue()).ifPresent(found::add);
            }
        }
        return found.stream()
            .min(Comparator.comparingInt((WrongType w) -> lineOf(w.origin) < 0 ? Integer.MAX_VALUE
                : lineOf(w.origin)).thenComparing(WrongType::path))
            .map(w -> Refusal.at(w.origin, fileName, w.message));
    }

    /**
     * checkValid lets a string stand for any scalar and any scalar for a string; this reads each reference key the
     * way its owner will (a number as a number, "200ms" as a duration) so that "throughput = fast" is caught here.
     */
    private static Optional<WrongType> strictCheck(final Config merged, final String path, final ConfigValue ref) {
        final ConfigValue value;
        try {
            if (!merged.hasPath(path)) {
                return Optional.empty();
            }
            value = merged.getValue(path);
        } catch (final ConfigException e) {
            return Optional.empty();
        }
        try {
            switch (ref.valueType()) {
                case NUMBER -> merged.getNumber(path);
                case BOOLEAN -> merged.getBoolean(path);
                case LIST -> merged.getList(path);
                case STRING -> readLikeReference(merged, path, ref);
                default -> {
                }
            }
            return Optional.empty();
        } catch (final ConfigException e) {
            return Optional.of(new WrongType(path, value.origin(), "wrong type for " + path + ": expected "
                + describe(ref) + ", got " + describeActual(path, value)));
        }
    }

    private static void readLikeReference(final Config merged, final String path, final ConfigValue ref) {
        if (isDuration(ref)) {
            merged.getDuration(path);
        } else if (isMemorySize(ref)) {
            merged.getBytes(path);
        } else {
            merged.getString(path);
        }
    }

    private static String expected(final Config reference, final String path) {
        try {
            return describe(reference.getValue(path));
        } catch (final ConfigException e) {
            return "the reference's type";
        }
    }

    private static String actual(final Config merged, final String path) {
        try {
            return describeActual(path, merged.getValue(path));
        } catch (final ConfigException e) {
            return "nothing";
        }
    }

    private static String describe(final ConfigValue ref) {
        if (ref.valueType() == ConfigValueType.STRING && isDuration(ref)) {
            return "duration";
        }
        if (ref.valueType() == ConfigValueType.STRING && isMemorySize(ref)) {
            return "memory size";
        }
        return ref.valueType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The type and the start of a value, for a refusal; a secret's value is not shown, even when mistyped. */
    private static String describeActual(final String path, final ConfigValue value) {
        if (Secrets.isSecretPath(path)) {
            return value.valueType().name().toLowerCase(java.util.Locale.ROOT) + " " + Secrets.REDACTED;
        }
        String rendered = value.render(ConfigRenderOptions.concise());
        if (rendered.length() > MAX_RENDERED) {
            rendered = rendered.substring(0, MAX_RENDERED) + "...";
        }
        return value.valueType().name().toLowerCase(java.util.Locale.ROOT) + " " + rendered;
    }

    private static boolean isDuration(final ConfigValue ref) {
        if (!(ref.unwrapped() instanceof String) || !AMOUNT_WITH_UNIT.matcher((String) ref.unwrapped()).matches()) {
            return false;
        }
        try {
            ConfigFactory.empty().withValue("v", ref).getDuration("v");
            return true;
        } catch (final ConfigException e) {
            return false;
        }
    }

    private static boolean isMemorySize(final ConfigValue ref) {
        if (!(ref.unwrapped() instanceof String) || !AMOUNT_WITH_UNIT.matcher((String) ref.unwrapped()).matches()) {
            return false;
        }
        try {
            ConfigFactory.empty().withValue("v", ref).getBytes("v");
            return true;
        } catch (final ConfigException e) {
            return false;
        }
    }

    private Optional<Refusal> validate(final NamedValidator named, final Config proposed) {
        try {
            named.validator().validate(proposed, configFolder);
            return Optional.empty();
        } catch (final ConfigException e) {
            return Optional.of(Refusal.at(e.origin(), fileName, withoutOrigin(e)));
        } catch (final IllegalArgumentException e) {
            return Optional.of(locate(String.valueOf(e.getMessage()), proposed));
        } catch (final RuntimeException | LinkageError | StackOverflowError e) {
            // A validator is another bundle's code: a bug in it, or its bundle refreshed under it (a linkage
            // error), refuses this proposal and leaves the watcher running.
            return Optional.of(new Refusal(fileName, -1, "the validator of section " + named.section()
                + " failed: " + e));
        }
    }

    /** Places a validator's message at the first key it names that the file or an override set. */
    private Refusal locate(final String message, final Config proposed) {
        final Matcher matcher = KEY.matcher(message);
        while (matcher.find()) {
            String path = matcher.group();
            while (path.indexOf('.') > 0) {
                if (proposed.hasPath(path)) {
                    final ConfigOrigin origin = proposed.getValue(path).origin();
                    if (!Refusal.source(origin, fileName).endsWith("reference.conf")) {
                        return Refusal.at(origin, fileName, message);
                    }
                    break;
                }
                path = path.substring(0, path.lastIndexOf('.'));
            }
        }
        return new Refusal(fileName, -1, message);
    }

    /**
     * The parser quotes the text it choked on, which on a secret's line is part of the secret: there every quoted
     * fragment but punctuation is hidden. The line before counts too, for a value broken over two lines.
     */
    static String secretSafe(final String message, final int line, final String text) {
        if (line < 1) {
            return message;
        }
        final String[] lines = text.split("\n", -1);
        boolean secret = false;
        for (int i = Math.max(0, line - 2); i < Math.min(lines.length, line); i++) {
            final Matcher key = ASSIGNED_KEY.matcher(lines[i]);
            while (key.find()) {
                secret |= Secrets.isSecretPath(key.group(1).replace("\"", ""));
            }
        }
        if (!secret) {
            return message;
        }
        return QUOTED.matcher(message).replaceAll(quoted -> quoted.group(2).matches("[\\p{Punct}\\s]*")
            || quoted.group(2).equals("newline") ? Matcher.quoteReplacement(quoted.group())
            : Matcher.quoteReplacement(quoted.group(1) + Secrets.REDACTED + quoted.group(1)));
    }

    private static int lineOf(final ConfigOrigin origin) {
        return origin == null ? -1 : origin.lineNumber();
    }

    /** Typesafe Config starts its messages with the origin; the refusal names file and line on its own. */
    static String withoutOrigin(final ConfigException e) {
        final String message = String.valueOf(e.getMessage());
        if (e.origin() == null) {
            return message;
        }
        final String prefix = e.origin().description() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private static Outcome refused(final Refusal refusal) {
        return new Refused(refusal);
    }
}

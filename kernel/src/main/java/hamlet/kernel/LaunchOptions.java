package hamlet.kernel;

import java.nio.file.Path;
import java.util.List;

/**
 * The launcher's command line, parsed and resolved to absolute paths.
 *
 * @param home       the distribution directory (holds bundles/, conf/, deploy/)
 * @param confFile   the node's HOCON file
 * @param confGiven  true when --conf was given, so a missing file is the operator's mistake, not a default
 * @param dataDir    where the node keeps its state (the Felix cache lives in dataDir/felix-cache)
 * @param deployDir  the folder FileInstall watches for behaviour bundles
 * @param noShell    true to run without the interactive Gogo console
 * @param help       true when the operator asked for the usage text
 */
public record LaunchOptions(Path home, Path confFile, boolean confGiven, Path dataDir, Path deployDir,
                            boolean noShell, boolean help) {

    public static final String USAGE =
        "usage: hamlet.kernel.Main [--home DIR] [--conf FILE] [--data DIR] [--deploy DIR] [--no-shell] [--help]";

    /**
     * Parses the arguments; relative paths are taken from the working directory, defaults from the home directory.
     *
     * @param args        the command line, without -D options (the JVM consumed those)
     * @param defaultHome the home used when --home is absent
     * @throws UsageException naming the unknown flag or the flag that lacks its value
     */
    public static LaunchOptions parse(final List<String> args, final Path defaultHome) throws UsageException {
        Path home = defaultHome;
        Path conf = null;
        Path data = null;
        Path deploy = null;
        boolean noShell = false;
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            final String arg = args.get(i);
            final int eq = arg.indexOf('=');
            final String flag = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            final String inlineValue = arg.startsWith("--") && eq > 0 ? arg.substring(eq + 1) : null;
            switch (flag) {
                case "--home", "--conf", "--data", "--deploy" -> {
                    final String value;
                    if (inlineValue != null) {
                        value = inlineValue;
                    } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                        value = args.get(++i);
                    } else {
                        throw new UsageException(flag + " needs a value");
                    }
                    if (value.isBlank()) {
                        throw new UsageException(flag + " needs a value");
                    }
                    final Path path = Path.of(value);
                    switch (flag) {
                        case "--home" -> home = path;
                        case "--conf" -> conf = path;
                        case "--data" -> data = path;
                        default -> deploy = path;
                    }
                }
                case "--no-shell" -> noShell = flagWithoutValue(flag, inlineValue);
                case "--help", "-h" -> help = flagWithoutValue(flag, inlineValue);
                default -> throw new UsageException("unknown argument '" + arg + "'");
            }
        }
        final Path absHome = absolute(home);
        return new LaunchOptions(absHome,
            conf != null ? absolute(conf) : absHome.resolve("conf").resolve("node.conf"),
            conf != null,
            data != null ? absolute(data) : absHome.resolve("data"),
            deploy != null ? absolute(deploy) : absHome.resolve("deploy"),
            noShell, help);
    }

    /** Where Felix keeps its bundle cache: under the data directory, wiped at each start. */
    public Path felixCache() {
        return dataDir.resolve("felix-cache");
    }

    /** The folder of system bundles: one sub-folder per start level. */
    public Path bundlesDir() {
        return home.resolve("bundles");
    }

    private static boolean flagWithoutValue(final String flag, final String inlineValue) throws UsageException {
        if (inlineValue != null) {
            throw new UsageException(flag + " takes no value");
        }
        return true;
    }

    private static Path absolute(final Path path) {
        return path.toAbsolutePath().normalize();
    }
}

package hamlet.kernel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The framework properties of a node. They are framework properties, not system properties, because every
 * {@code -Dhamlet.*} system property is a config override read by the config bundle.
 */
public final class FrameworkSettings {

    /** Framework property: the distribution directory. */
    public static final String HOME = "hamlet.home";
    /** Framework property: the absolute path of the node's HOCON file. */
    public static final String CONF_FILE = "hamlet.conf.file";
    /** Framework property: the node's data directory. */
    public static final String DATA = "hamlet.data";

    /**
     * Framework property, "true" under this launcher: a bundle that finds at start that the node must not run (the
     * config bundle, refusing the conf file) may veto the boot by registering a service with property
     * {@link #BOOT_VETO}, and this launcher reports it and exits 2. Without it (another launcher) such a bundle has
     * nobody to tell, and must run the node as best it can instead.
     */
    public static final String BOOT_VETOES_REPORTED = "hamlet.boot.vetoes.reported";
    /**
     * Service property of a boot veto: the one line that says why the node does not start, e.g. "config file
     * /opt/hamlet/conf/node.conf:5 refused: ...". Bundles match it by name, not by a class of this launcher.
     */
    public static final String BOOT_VETO = "hamlet.boot.veto";

    /** FileInstall polls deploy/ this often; a dropped jar is seen in about two polls. */
    static final String DEPLOY_POLL_MS = "200";

    private FrameworkSettings() {
    }

    /**
     * Builds the properties handed to Felix.
     *
     * @param options     the parsed command line
     * @param interactive true to let Gogo run its console on this terminal
     * @param deployLevel the start level of the bundles FileInstall installs from deploy/: above every system
     *                    bundle, so a behaviour bundle starts only once the runtime it needs is up
     */
    public static Map<String, String> build(final LaunchOptions options, final boolean interactive,
                                            final int deployLevel) {
        final Map<String, String> p = new LinkedHashMap<>();
        p.put("org.osgi.framework.storage", options.felixCache().toString());
        // Each start installs the bundles of the distribution afresh: a stale cache would keep old jars.
        p.put("org.osgi.framework.storage.clean", "onFirstInit");
        p.put("org.osgi.framework.startlevel.beginning", Integer.toString(deployLevel));
        p.put(HOME, options.home().toString());
        p.put(CONF_FILE, options.confFile().toString());
        p.put(DATA, options.dataDir().toString());
        p.put(BOOT_VETOES_REPORTED, "true");

        p.put("felix.fileinstall.dir", options.deployDir().toString());
        p.put("felix.fileinstall.poll", DEPLOY_POLL_MS);
        p.put("felix.fileinstall.noInitialDelay", "true");
        // With write-back on, FileInstall was seen to truncate a .cfg to 0 bytes; the HOCON file is our config.
        p.put("felix.fileinstall.enableConfigSave", "false");
        // deploy/ is for behaviour bundles only: a stray .cfg must not bypass the validated HOCON config.
        p.put("felix.fileinstall.filter", ".*\\.jar");
        p.put("felix.fileinstall.bundles.new.start", "true");
        p.put("felix.fileinstall.start.level", Integer.toString(deployLevel));
        // 3 = info: each install, start, update and uninstall of a deploy/ bundle is one line, and failures too.
        p.put("felix.fileinstall.log.level", "3");

        // The shell reads <gosh.home>/etc/gosh_profile, where the distribution puts Felix's scope before the others
        // so that `stop 0` is the framework's stop, not actor:stop.
        p.put("gosh.home", options.home().toString());
        if (!interactive) {
            p.put("gosh.args", "--nointeractive");
        }
        return p;
    }
}

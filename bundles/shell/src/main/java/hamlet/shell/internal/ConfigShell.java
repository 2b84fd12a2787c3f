package hamlet.shell.internal;

import hamlet.config.ConfigStatus;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@code config:*} Gogo commands. The config service is optional: without it {@code config:show} says so.
 */
@Component(service = ConfigShell.class, property = {
    "osgi.command.scope=config",
    "osgi.command.function=show"})
public final class ConfigShell {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigStatus status;

    private ConfigCommands commands;

    @Activate
    void activate() {
        commands = new ConfigCommands(() -> status);
    }

    /** @return the config in force and how the last edit went */
    @Descriptor("show the config file, how the last edits went (the last refusal with file and line) and the"
        + " config in force")
    public String show() {
        return Shell.run("config:show", commands::show, System.err);
    }
}

/**
 * The config bundle's small SPI: how a bundle reads its section of the node's HOCON config from Configuration
 * Admin, checks a proposed edit before it is applied, and how operators see the config in force.
 *
 * <p>The contract. Every top-level section {@code hamlet.X} of the merged config (each bundle's
 * {@code reference.conf}, then {@code conf/node.conf}, then {@code HAMLET_*} variables and {@code -Dhamlet.*}
 * properties) is pushed to Configuration Admin under the PID {@code hamlet.X}. Its properties are the section's
 * leaves by full path ({@code hamlet.registry.dispatcher.throughput}), values as Typesafe Config unwraps them
 * (strings, numbers, booleans, lists). A bundle turns them back into a {@code Config} with
 * {@link hamlet.config.Sections#fromProperties}.
 *
 * <p>Secrets ({@link hamlet.config.Secrets}: keys named {@code token}, {@code password}, {@code *-password},
 * {@code *secret}) are pushed to their owner as they are, and shown to nobody else: the config in force, refusals
 * and log lines print them as {@code "<redacted>"}. A validator whose section names a file checks it through
 * {@link hamlet.config.SettingsValidator#validate(com.typesafe.config.Config, java.nio.file.Path)}, against the
 * folder {@link hamlet.config.Sections#configFolder} gives the owner too.
 */
@Export
@Version("1.3.0")
package hamlet.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

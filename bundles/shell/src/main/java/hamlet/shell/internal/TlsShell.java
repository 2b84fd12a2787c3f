package hamlet.shell.internal;

import hamlet.api.NodeIdentity;
import hamlet.api.transport.Transport;
import hamlet.tls.TlsService;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import java.time.Clock;

/**
 * The {@code cluster:tls} Gogo command, beside {@code cluster:peers} and {@code cluster:counters} (a component of
 * its own, so that the other {@code cluster:*} commands do not depend on the tls bundle). Every service is optional
 * and dynamic: without the tls bundle the command says so.
 */
@Component(service = TlsShell.class, property = {
    "osgi.command.scope=cluster",
    "osgi.command.function=tls"})
public final class TlsShell {
    /** Set by Declarative Services (package-private so that a test can set it too). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile TlsService tlsService;

    /** Set by Declarative Services (package-private so that a test can set it too). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Transport transport;

    /** Set by Declarative Services (package-private so that a test can set it too). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile NodeIdentity identity;

    private TlsCommands commands;

    @Activate
    void activate() {
        commands = new TlsCommands(() -> tlsService, () -> transport, () -> identity, Clock.systemUTC());
    }

    /** @return whether TLS is on, the certificates in use and when they expire, reloads and refused handshakes */
    @Descriptor("show TLS on this node: on or off; this node's certificate and the trusted CAs (subject, names,"
        + " SHA-256, validity, days left, file); file reloads taken and refused; the transport's refused handshakes"
        + " by reason (refused.tls.*)")
    public String tls() {
        return Shell.run("cluster:tls", commands::show, System.err);
    }
}

package hamlet.tls.ca;

import hamlet.tls.NodeCertificates;
import hamlet.tls.internal.Pem;
import hamlet.tls.internal.TlsMaterial;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/hamlet certs}: the cluster CA and node certificates, on the command line. Runs outside OSGi, with the
 * tls bundle and Bouncy Castle's jars on the class path.
 *
 * <p>Exit status: 0 done, 1 refused or failed (one line saying why; nothing was overwritten), 2 bad usage.
 */
public final class CertsMain {
    /** Certificates start this long before now, so that a peer whose clock is a little behind accepts them. */
    static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final int DEFAULT_CA_DAYS = 3650;
    private static final int DEFAULT_NODE_DAYS = 365;
    private static final int MAX_DAYS = 36500;

    private final PrintStream out;
    private final PrintStream err;
    private final Instant now;

    CertsMain(final PrintStream out, final PrintStream err, final Instant now) {
        this.out = out;
        this.err = err;
        this.now = now;
    }

    /**
     * @param args {@code --home DIR} (the launcher's), then the command and its options
     */
    public static void main(final String[] args) {
        System.exit(new CertsMain(System.out, System.err, Instant.now()).run(args));
    }

    /** Thrown for bad usage: exit 2 with the usage. */
    static final class Usage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Usage(final String message) {
            super(message);
        }
    }

    int run(final String[] args) {
        final List<String> rest = new ArrayList<>(List.of(args));
        Path home = Path.of("");
        if (rest.size() >= 2 && rest.get(0).equals("--home")) {
            home = Path.of(rest.get(1));
            rest.subList(0, 2).clear();
        }
        try {
            if (rest.isEmpty() || rest.get(0).equals("help") || rest.get(0).equals("--help")) {
                out.print(usage());
                return rest.isEmpty() ? 2 : 0;
            }
            final String command = rest.remove(0);
            final Path defaultDir = home.resolve("conf").resolve("tls");
            switch (command) {
                case "init":
                    return init(rest, defaultDir);
                case "node":
                    return node(rest, defaultDir);
                case "show":
                    return show(rest);
                default:
                    throw new Usage("unknown certs command '" + command + "'");
            }
        } catch (final Usage e) {
            err.println("hamlet certs: " + e.getMessage());
            err.print(usage());
            return 2;
        } catch (final IllegalArgumentException e) {
            err.println("hamlet certs: " + e.getMessage());
            return 1;
        } catch (final FileAlreadyExistsException e) {
            err.println("hamlet certs: " + e.getFile() + " exists: " + (e.getReason() != null ? e.getReason()
                : "it is kept as it is"));
            return 1;
        } catch (final IOException e) {
            err.println("hamlet certs: cannot write: " + e);
            return 1;
        }
    }

    static String usage() {
        return String.join("\n",
            "usage: hamlet certs init [--dir DIR] [--name NAME] [--days N]",
            "         create the cluster CA: DIR/ca/ca.key (mode 600, stays on this machine), DIR/ca/ca.crt, and",
            "         DIR/ca.crt, the bundle nodes trust (DIR: conf/tls of this distribution; days: 3650)",
            "       hamlet certs node NODE_ID [--host NAME|IP ...] [--days N] [--dir DIR] [--out DIR] [--renew]",
            "         issue NODE_ID's certificate and key, signed by the CA in DIR: OUT/NODE_ID.crt and",
            "         OUT/NODE_ID.key (mode 600), plus OUT/ca.crt when OUT has none (OUT: DIR; days: 365; hosts:",
            "         localhost and 127.0.0.1 when none is given). A node with that id and its config in conf/",
            "         then needs only hamlet.tls.enabled = true. --renew replaces an existing pair (rotation:",
            "         a running node takes the new one within hamlet.tls.check-interval)",
            "       hamlet certs show FILE ...",
            "         print each certificate in FILE: subject, issuer, names, validity, SHA-256 fingerprint",
            "");
    }

    private int init(final List<String> args, final Path defaultDir) throws IOException {
        Path dir = defaultDir;
        String name = "hamlet";
        int days = DEFAULT_CA_DAYS;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--dir" -> dir = Path.of(value(args, ++i, "--dir"));
                case "--name" -> name = value(args, ++i, "--name");
                case "--days" -> days = days(value(args, ++i, "--days"));
                default -> throw new Usage("unknown option of certs init: '" + args.get(i) + "'");
            }
        }
        final CertificateAuthority ca = CaFiles.init(dir, name, now.minus(BACKDATE), now.plus(days, ChronoUnit.DAYS));
        final Path caDir = dir.resolve(CaFiles.CA_DIR);
        out.println("certs: created the cluster CA " + ca.certificate().getSubjectX500Principal().getName()
            + ", valid until " + ca.certificate().getNotAfter().toInstant());
        out.println("  key:         " + shown(caDir.resolve(CaFiles.CA_KEY)) + "  (mode 600: keep it on this machine,"
            + " never copy it to a node)");
        out.println("  certificate: " + shown(caDir.resolve(CaFiles.CA_CERT)));
        out.println("  nodes trust: " + shown(dir.resolve(CaFiles.CA_CERT)));
        out.println("  SHA-256:     " + TlsMaterial.fingerprint(ca.certificate()));
        out.println("next: issue each node's certificate with: hamlet certs node NODE_ID [--host NAME|IP ...]");
        return 0;
    }

    private int node(final List<String> args, final Path defaultDir) throws IOException {
        Path dir = defaultDir;
        Path outDir = null;
        String nodeId = null;
        int days = DEFAULT_NODE_DAYS;
        boolean renew = false;
        final List<String> hosts = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            final String a = args.get(i);
            switch (a) {
                case "--dir" -> dir = Path.of(value(args, ++i, "--dir"));
                case "--out" -> outDir = Path.of(value(args, ++i, "--out"));
                case "--host" -> hosts.add(value(args, ++i, "--host"));
                case "--days" -> days = days(value(args, ++i, "--days"));
                case "--renew" -> renew = true;
                default -> {
                    if (a.startsWith("-") || nodeId != null) {
                        throw new Usage("unexpected '" + a + "' for certs node");
                    }
                    nodeId = a;
                }
            }
        }
        if (nodeId == null) {
            throw new Usage("certs node needs the NODE_ID");
        }
        CertificateAuthority.checkNodeId(nodeId);
        if (hosts.isEmpty()) {
            hosts.addAll(List.of("localhost", "127.0.0.1"));
        }
        final CertificateAuthority ca = CaFiles.load(dir);
        final Path target = outDir != null ? outDir : dir;
        final CertificateAuthority.Issued issued = CaFiles.issueNode(ca, target, nodeId, hosts, now.minus(BACKDATE),
            now.plus(days, ChronoUnit.DAYS), renew);
        out.println("certs: " + (renew ? "renewed" : "issued") + " the certificate of node " + nodeId
            + ", valid until " + issued.certificate().getNotAfter().toInstant());
        out.println("  certificate: " + shown(CaFiles.nodeCert(target, nodeId)) + "  names: "
            + String.join(", ", TlsMaterial.names(issued.certificate())));
        out.println("  key:         " + shown(CaFiles.nodeKey(target, nodeId)) + "  (mode 600)");
        out.println("  CA bundle:   " + shown(target.resolve(CaFiles.CA_CERT)));
        out.println("  SHA-256:     " + TlsMaterial.fingerprint(issued.certificate()));
        out.println(renew ? "a running " + nodeId + " takes it within hamlet.tls.check-interval; its links up now go on"
            : "node " + nodeId + " uses them with hamlet.tls.enabled = true (its config file beside "
            + target.getFileName() + "/, or set hamlet.tls.dir)");
        return 0;
    }

    private int show(final List<String> args) {
        if (args.isEmpty()) {
            throw new Usage("certs show needs a FILE");
        }
        for (final String file : args) {
            final List<X509Certificate> certs = Pem.readCertificates(Path.of(file));
            for (final X509Certificate c : certs) {
                out.println(file + ":");
                out.println("  subject:     " + c.getSubjectX500Principal().getName());
                out.println("  issuer:      " + c.getIssuerX500Principal().getName());
                out.println("  names:       " + String.join(", ", TlsMaterial.names(c)));
                String node;
                try {
                    node = NodeCertificates.nodeIdOf(c);
                } catch (final IllegalArgumentException e) {
                    node = c.getBasicConstraints() >= 0 ? "(a CA)" : "(none)";
                }
                out.println("  node:        " + node);
                final Instant notAfter = c.getNotAfter().toInstant();
                final String state = now.isBefore(c.getNotBefore().toInstant()) ? "NOT YET VALID"
                    : now.isAfter(notAfter) ? "EXPIRED" : "valid, " + Duration.between(now, notAfter).toDays()
                    + " days left";
                out.println("  valid:       " + c.getNotBefore().toInstant() + " to " + notAfter + " (" + state + ")");
                out.println("  SHA-256:     " + TlsMaterial.fingerprint(c));
            }
        }
        return 0;
    }

    /** A path as the user would type it: relative to the current folder when inside it. */
    private static String shown(final Path path) {
        final Path absolute = path.toAbsolutePath().normalize();
        final Path here = Path.of("").toAbsolutePath();
        return absolute.startsWith(here) && !absolute.equals(here) ? here.relativize(absolute).toString()
            : absolute.toString();
    }

    private static String value(final List<String> args, final int i, final String option) {
        if (i >= args.size()) {
            throw new Usage(option + " needs a value");
        }
        return args.get(i);
    }

    private static int days(final String text) {
        try {
            final int days = Integer.parseInt(text);
            if (days < 1 || days > MAX_DAYS) {
                throw new Usage("--days must be 1 to " + MAX_DAYS + ", got " + days);
            }
            return days;
        } catch (final NumberFormatException e) {
            throw new Usage("--days must be a whole number of days, got '" + text + "'");
        }
    }
}

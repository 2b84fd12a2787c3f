package hamlet.tls.internal;

import hamlet.tls.CertificateInfo;
import hamlet.tls.TlsService;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link TlsService} of one node, without OSGi: loads and checks the files, starts the three factories, and on
 * each {@link #check} reloads them in place when the files changed into a valid set. Usable on its own in tests.
 *
 * <p>Threading: {@link #check} is called by one thread (the component's timer); the service methods from any.
 * A reload swaps each factory's SSL context inside Jetty's own lock; connections already up keep theirs.
 */
public final class TlsRuntime implements TlsService {
    private static final Logger LOG = LoggerFactory.getLogger(TlsRuntime.class);
    private static final Duration WARN_EVERY = Duration.ofDays(1);

    private volatile TlsSettings settings;
    private final SslContextFactory.Server linkServer;
    private final SslContextFactory.Client linkClient;
    private final SslContextFactory.Server adminServer;
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong refusedReloads = new AtomicLong();
    private final AtomicLong expiryWarnings = new AtomicLong();
    private volatile TlsMaterial material;
    /** Digest of the files' bytes last looked at, good or not; the timer thread only. */
    private byte[] seen;
    private byte[] refusedSeen;
    private Instant lastWarning = Instant.MIN;

    private TlsRuntime(final TlsSettings settings, final TlsMaterial material, final byte[] seen) throws Exception {
        this.settings = settings;
        this.material = material;
        this.seen = seen;
        linkServer = new BcFactories.Server();
        BcFactories.configure(linkServer, settings, material);
        linkServer.setNeedClientAuth(true);
        linkClient = new BcFactories.Client();
        BcFactories.configure(linkClient, settings, material);
        adminServer = new BcFactories.Server();
        BcFactories.configure(adminServer, settings, material);
        adminServer.setNeedClientAuth(false);
        adminServer.setWantClientAuth(false);
        linkServer.start();
        linkClient.start();
        adminServer.start();
    }

    /**
     * Loads the files and starts the factories.
     *
     * @param settings the section, {@code enabled} true
     * @param now the time the certificate must be valid at
     * @return the running service
     * @throws IllegalArgumentException when the files are missing or wrong, saying which and how
     * @throws IllegalStateException when a factory cannot start (no common suite, a provider missing)
     */
    public static TlsRuntime start(final TlsSettings settings, final Instant now) {
        // The Bouncy Castle providers, added the first time TLS starts in this JVM (see Providers).
        Providers.ensure();
        final byte[] digest = digest(settings);
        final TlsMaterial material = TlsMaterial.load(settings, now);
        try {
            final TlsRuntime runtime = new TlsRuntime(settings, material, digest);
            LOG.info("[{}] TLS ready: {}, certificate {} (SHA-256 {}), expires {}; trusting {} CA(s)",
                settings.nodeId(), BcFactories.enabled(runtime.linkServer), material.certificates().get(0).subject(),
                material.certificates().get(0).sha256(), material.certificates().get(0).notAfter(),
                material.cas().size());
            return runtime;
        } catch (final IllegalArgumentException | IllegalStateException e) {
            throw e;
        } catch (final Exception e) {
            throw new IllegalStateException("TLS cannot start: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the files: when their bytes changed into a valid set, reloads every factory; when into an invalid one,
     * refuses it once (logged and counted) and keeps the last good set. Also warns of a coming expiry.
     *
     * @param now the current time
     * @return true when a new set was taken
     */
    public boolean check(final Instant now) {
        final TlsSettings settings = this.settings;
        warnOfExpiry(now);
        final byte[] digest = digest(settings);
        if (Arrays.equals(digest, seen)) {
            return false;
        }
        final TlsMaterial next;
        try {
            next = TlsMaterial.load(settings, now);
        } catch (final IllegalArgumentException e) {
            if (!Arrays.equals(digest, refusedSeen)) {
                refusedSeen = digest;
                refusedReloads.incrementAndGet();
                LOG.error("[{}] TLS files changed but are refused, the last good ones stay in use: {}",
                    settings.nodeId(), e.getMessage());
            }
            return false;
        }
        try {
            linkServer.reload(f -> BcFactories.configure(f, settings, next));
            linkClient.reload(f -> BcFactories.configure(f, settings, next));
            adminServer.reload(f -> BcFactories.configure(f, settings, next));
        } catch (final Exception e) {
            refusedReloads.incrementAndGet();
            refusedSeen = digest;
            LOG.error("[{}] TLS files changed but could not be loaded into TLS, the last good ones stay in use: {}",
                settings.nodeId(), e.toString());
            return false;
        }
        seen = digest;
        refusedSeen = null;
        final TlsMaterial previous = material;
        material = next;
        reloads.incrementAndGet();
        final CertificateInfo own = next.certificates().get(0);
        LOG.info("[{}] TLS files reloaded: certificate {} (SHA-256 {}, was {}), expires {}; trusting {} CA(s);"
            + " new connections use them, links up now go on", settings.nodeId(), own.subject(), own.sha256(),
            previous.certificates().get(0).sha256(), own.notAfter(), next.cas().size());
        lastWarning = Instant.MIN;
        return true;
    }

    /**
     * A live edit of section {@code hamlet.tls} (other paths, protocols or suites): the new files are loaded and
     * checked first, and only a valid set replaces the one in use. {@code enabled} is not changed here: it is read
     * at start.
     *
     * @param next the edited section
     * @param now the current time
     * @throws IllegalArgumentException when the new files are refused; the last good set stays in use
     */
    public void apply(final TlsSettings next, final Instant now) {
        final byte[] digest = digest(next);
        final TlsMaterial loaded = TlsMaterial.load(next, now);
        try {
            linkServer.reload(f -> BcFactories.configure(f, next, loaded));
            linkClient.reload(f -> BcFactories.configure(f, next, loaded));
            adminServer.reload(f -> BcFactories.configure(f, next, loaded));
        } catch (final Exception e) {
            throw new IllegalArgumentException("TLS cannot use " + next + ": " + e.getMessage(), e);
        }
        settings = next;
        material = loaded;
        seen = digest;
        refusedSeen = null;
        LOG.info("[{}] TLS settings applied: {}, certificate {} (SHA-256 {})", next.nodeId(), next.protocols(),
            loaded.certificates().get(0).subject(), loaded.certificates().get(0).sha256());
    }

    private void warnOfExpiry(final Instant now) {
        final TlsSettings settings = this.settings;
        if (settings.warnBefore().isZero() || Duration.between(lastWarning, now).compareTo(WARN_EVERY) < 0
            && lastWarning != Instant.MIN) {
            return;
        }
        boolean warned = false;
        for (final CertificateInfo c : material.certificates()) {
            if (c.notAfter().isBefore(now.plus(settings.warnBefore()))) {
                warned = true;
                LOG.warn("[{}] TLS {} certificate {} (SHA-256 {}) {} {}: issue a new one (bin/hamlet certs)",
                    settings.nodeId(), c.role(), c.subject(), c.sha256(),
                    c.notAfter().isBefore(now) ? "expired at" : "expires at", c.notAfter());
            }
        }
        if (warned) {
            lastWarning = now;
            expiryWarnings.incrementAndGet();
        }
    }

    /** The bytes of the three files, digested; a missing file digests as a marker, so that its return is seen. */
    private static byte[] digest(final TlsSettings settings) {
        try {
            final MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (final Path file : settings.files()) {
                try {
                    sha.update(Files.readAllBytes(file));
                } catch (final NoSuchFileException e) {
                    sha.update((byte) 0xFF);
                } catch (final IOException e) {
                    sha.update((byte) 0xFE);
                }
                sha.update((byte) 0);
            }
            return sha.digest();
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the factories. */
    public void stop() {
        for (final var f : List.of(linkServer, linkClient, adminServer)) {
            try {
                f.stop();
            } catch (final Exception e) {
                LOG.debug("[{}] a TLS factory did not stop cleanly: {}", settings.nodeId(), e.toString());
            }
        }
    }

    /** @return the settings in force */
    public TlsSettings settings() {
        return settings;
    }

    /** @return how many times new files were taken */
    public long reloads() {
        return reloads.get();
    }

    /** @return how many times a coming expiry was warned of (at most once a day) */
    public long expiryWarnings() {
        return expiryWarnings.get();
    }

    /** @return how many changed sets of files were refused */
    public long refusedReloads() {
        return refusedReloads.get();
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public SslContextFactory.Server linkServer() {
        return linkServer;
    }

    @Override
    public SslContextFactory.Client linkClient() {
        return linkClient;
    }

    @Override
    public SslContextFactory.Server adminServer() {
        return adminServer;
    }

    @Override
    public List<CertificateInfo> certificates() {
        return material.certificates();
    }
}

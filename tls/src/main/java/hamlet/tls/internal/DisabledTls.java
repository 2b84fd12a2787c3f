package hamlet.tls.internal;

import hamlet.tls.CertificateInfo;
import hamlet.tls.TlsService;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.util.List;

/** The service while {@code hamlet.tls.enabled} is false: plain links, no factory. Stateless. */
public final class DisabledTls implements TlsService {
    /** The one instance. */
    public static final DisabledTls INSTANCE = new DisabledTls();

    private DisabledTls() {
    }

    @Override
    public boolean enabled() {
        return false;
    }

    @Override
    public SslContextFactory.Server linkServer() {
        return null;
    }

    @Override
    public SslContextFactory.Client linkClient() {
        return null;
    }

    @Override
    public SslContextFactory.Server adminServer() {
        return null;
    }

    @Override
    public List<CertificateInfo> certificates() {
        return List.of();
    }

    @Override
    public long reloads() {
        return 0;
    }

    @Override
    public long refusedReloads() {
        return 0;
    }
}

package hamlet.tls.internal;

import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

/** How this node makes its BCJSSE provider. */
final class JsseProvider {
    private JsseProvider() {
    }

    /**
     * BCJSSE doing its record crypto (AES-GCM, ChaCha20-Poly1305) and key exchange through the JVM's JCA providers
     * in their order: the JDK's come first, and their AES-GCM runs on the CPU's AES and carry-less multiply
     * instructions. Built on the BC provider instead (pure Java), the cluster bench's throughput over TLS was 56 %
     * below plain links; this way, 4 % (bin/hamlet bench throughput --tls). Bouncy Castle still does the TLS
     * protocol, the certificate paths and the key managers.
     */
    static BouncyCastleJsseProvider create() {
        return new BouncyCastleJsseProvider();
    }
}

package hamlet.tls.internal;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the PEM files of certificates and keys, with Bouncy Castle's parser. Every failure is an
 * {@link IllegalArgumentException} that names the file and what is wrong with it, for one log or console line.
 * Stateless.
 */
public final class Pem {
    /** The provider used for key conversion; an instance, so that nothing needs registering JVM-wide. */
    public static final Provider BC = new BouncyCastleProvider();

    private Pem() {
    }

    /**
     * @param file a PEM file of one or more certificates
     * @return them in file order
     * @throws IllegalArgumentException when it cannot be read, holds something else, or holds none
     */
    public static List<X509Certificate> readCertificates(final Path file) {
        final String text = readText(file, "certificate");
        final List<X509Certificate> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            final JcaX509CertificateConverter converter = new JcaX509CertificateConverter().setProvider(BC);
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (!(o instanceof X509CertificateHolder)) {
                    throw new IllegalArgumentException(file + " holds " + kind(o) + " where certificates were expected");
                }
                out.add(converter.getCertificate((X509CertificateHolder) o));
            }
        } catch (final IOException | CertificateException e) {
            throw new IllegalArgumentException(file + " is not a readable PEM certificate file: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /**
     * @param file a PEM file of one private key: PKCS#8, PKCS#8 encrypted, or OpenSSL's traditional format
     * @param password for an encrypted key; empty when it is not encrypted
     * @return the key
     * @throws IllegalArgumentException when it cannot be read, is encrypted without a password, or holds no key
     */
    public static PrivateKey readPrivateKey(final Path file, final char[] password) {
        final String text = readText(file, "key");
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            final Object o = parser.readObject();
            final JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(BC);
            if (o instanceof PrivateKeyInfo) {
                return converter.getPrivateKey((PrivateKeyInfo) o);
            }
            if (o instanceof PEMKeyPair) {
                return converter.getKeyPair((PEMKeyPair) o).getPrivate();
            }
            if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
                if (password.length == 0) {
                    throw new IllegalArgumentException(file + " holds an encrypted key and no password is set"
                        + " (hamlet.tls.key-password)");
                }
                if (o instanceof PEMEncryptedKeyPair) {
                    return converter.getKeyPair(((PEMEncryptedKeyPair) o).decryptKeyPair(
                        new JcePEMDecryptorProviderBuilder().setProvider(BC).build(password))).getPrivate();
                }
                return converter.getPrivateKey(((PKCS8EncryptedPrivateKeyInfo) o).decryptPrivateKeyInfo(
                    new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(password)));
            }
            throw new IllegalArgumentException(file + " holds " + kind(o) + " where a private key was expected");
        } catch (final PKCSException e) {
            throw new IllegalArgumentException(file + " cannot be decrypted with the password set: " + e.getMessage(), e);
        } catch (final IOException | OperatorCreationException e) {
            throw new IllegalArgumentException(file + " is not a readable PEM key file: " + e.getMessage(), e);
        }
    }

    /**
     * @param objects certificates or keys
     * @return their PEM text
     */
    public static String encode(final Object... objects) {
        final StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            for (final Object o : objects) {
                pem.writeObject(o);
            }
        } catch (final IOException e) {
            throw new IllegalStateException("PEM encoding failed", e);
        }
        return text.toString();
    }

    /**
     * Writes a file that must not exist yet, readable by its owner only when it holds a secret. Written to a
     * temporary file first and moved into place, so that a node watching the folder never reads half of it.
     *
     * @param file where
     * @param text what
     * @param secret true for a key: mode 600
     * @param replace true to replace an existing file (a renewal), false to refuse
     * @throws IOException when it cannot be written, or exists and {@code replace} is false
     */
    public static void write(final Path file, final String text, final boolean secret, final boolean replace)
        throws IOException {
        if (!replace && Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        final Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        final Path temp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                secret ? "rw-------" : "rw-r--r--")));
        } catch (final UnsupportedOperationException e) {
            Files.createFile(temp);
        }
        try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            w.write(text);
        }
        if (replace) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static String readText(final Path file, final String what) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(file + " does not exist (the " + what + " file)");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            final StringBuilder text = new StringBuilder();
            final char[] buffer = new char[4096];
            for (int n = r.read(buffer); n >= 0; n = r.read(buffer)) {
                text.append(buffer, 0, n);
                if (text.length() > 1 << 20) {
                    throw new IllegalArgumentException(file + " is over 1 MiB: not a " + what + " file");
                }
            }
            return text.toString();
        } catch (final IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e, e);
        }
    }

    private static String kind(final Object o) {
        return o == null ? "nothing" : "a " + o.getClass().getSimpleName();
    }
}

package io.sessionkit.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The TLS material of a {@code rediss://} store: whom to trust (a trust store, or CA certificates in a PEM file; the
 * JDK's default trust otherwise), what to present for mutual TLS (a key store, or a PEM certificate chain and its
 * PKCS#8 key), and whether the server's certificate must name the host connected to (on unless switched off). Read
 * once, when the store is built, so that a wrong path or password fails at start-up naming the builder setter, never a
 * password.
 */
record RedisTls(@Nullable Material trust, @Nullable Material identity, boolean verifyHostname) {

    /** No material of its own: the JDK's default trust, no client certificate, hostnames verified. */
    static final RedisTls DEFAULT = new RedisTls(null, null, true);

    private static final Pattern PEM_KEY =
            Pattern.compile("-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");

    /** Where trust or identity comes from: a key store (PKCS#12 or JKS, told apart by content) or PEM files. */
    sealed interface Material permits Store, Pem {
        /** The setter that configured it, for messages. */
        String setter();
    }

    /** A PKCS#12 or JKS file and its password ({@code null}: none). */
    record Store(String setter, Path file, @Nullable String password) implements Material {
        @Override
        public String toString() {
            return "Store[" + file + "]"; // never the password
        }
    }

    /** PEM files: certificates, and for an identity the PKCS#8 private key of the first one. */
    record Pem(String setter, Path certificates, @Nullable Path key) implements Material {}

    RedisTls withTrust(Material m) {
        return new RedisTls(m, identity, verifyHostname);
    }

    RedisTls withIdentity(Material m) {
        return new RedisTls(trust, m, verifyHostname);
    }

    RedisTls withVerifyHostname(boolean on) {
        return new RedisTls(trust, identity, on);
    }

    /** True when nothing but the defaults is set. */
    boolean isDefault() {
        return equals(DEFAULT);
    }

    /**
     * The socket factory to connect with: the JDK's default when no material is set.
     *
     * @throws IllegalArgumentException naming the setter whose file cannot be read, parsed or opened with its password
     */
    SSLSocketFactory socketFactory() {
        if (trust == null && identity == null) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        try {
            TrustManagerFactory tmf = null;
            if (trust != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(keyStore(trust));
            }
            KeyManagerFactory kmf = null;
            if (identity != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore(identity), password(identity));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    kmf == null ? null : kmf.getKeyManagers(),
                    tmf == null ? null : tmf.getTrustManagers(),
                    new SecureRandom());
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS set-up failed: " + e.getMessage(), e);
        }
    }

    /**
     * The parameters each connection's handshake runs with: {@code HTTPS} endpoint identification (the certificate
     * must name the host, by DNS name or IP address), unless switched off.
     */
    SSLParameters parameters() {
        SSLParameters p = new SSLParameters();
        if (verifyHostname) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        return p;
    }

    private static char[] password(Material m) {
        if (m instanceof Store s && s.password() != null) {
            return s.password().toCharArray();
        }
        return new char[0];
    }

    private static KeyStore keyStore(Material m) {
        return m instanceof Store s ? open(s) : fromPem((Pem) m);
    }

    private static KeyStore open(Store s) {
        try {
            return KeyStore.getInstance(s.file().toFile(), password(s));
        } catch (IOException | GeneralSecurityException e) {
            // KeyStore's messages name the file or the failed integrity check, never the password.
            throw new IllegalArgumentException(
                    s.setter() + ": cannot open key store " + s.file() + " (" + e.getMessage() + ")", e);
        }
    }

    private static KeyStore fromPem(Pem p) {
        try {
            Collection<? extends Certificate> chain;
            try (InputStream in = Files.newInputStream(p.certificates())) {
                chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(
                        p.setter() + ": no certificate in " + p.certificates() + " (PEM expected)");
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            Certificate[] certs = chain.toArray(Certificate[]::new);
            if (p.key() == null) {
                for (int i = 0; i < certs.length; i++) {
                    ks.setCertificateEntry("ca-" + i, certs[i]);
                }
            } else {
                ks.setKeyEntry("client", privateKey(p, certs[0]), new char[0], certs);
            }
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    p.setter() + ": cannot read " + describe(p) + " (" + e.getMessage() + ")", e);
        }
    }

    private static PrivateKey privateKey(Pem p, Certificate first) throws IOException, GeneralSecurityException {
        Path file = Objects.requireNonNull(p.key());
        Matcher m = PEM_KEY.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new IllegalArgumentException(p.setter() + ": no PEM private key in " + file);
        }
        if (!m.group(1).isEmpty()) {
            throw new IllegalArgumentException(p.setter() + ": " + file + " holds a '" + m.group(1)
                    + "PRIVATE KEY'; an unencrypted PKCS#8 key ('PRIVATE KEY') is read: convert it with"
                    + " openssl pkcs8 -topk8 -nocrypt -in <key> -out <key.pk8>");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        String algorithm = first.getPublicKey().getAlgorithm();
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private static String describe(Pem p) {
        return p.key() == null ? p.certificates().toString() : p.certificates() + " and " + p.key();
    }
}

package io.sessionkit.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away certificate authority and the certificates a TLS test needs, made by {@code openssl} (OpenSSL 3) in a
 * directory of the test's: EC P-256 keys as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), valid for two
 * days. Nothing here is a secret worth keeping: the directory is the test's and goes with it.
 *
 * @param dir where the files are
 * @param caCertificate the CA's certificate (PEM): what a client trusts
 * @param trustStore a PKCS#12 trust store holding only the CA's certificate, password {@link #PASSWORD}
 * @param serverCertificate the server's certificate (PEM), signed by the CA, for {@code 127.0.0.1} and {@code localhost}
 * @param serverKey its key
 * @param wrongHostCertificate a server certificate signed by the CA for {@code wrong.example} only
 * @param wrongHostKey its key
 * @param strangerCertificate a server certificate for {@code 127.0.0.1} signed by another CA nobody trusts
 * @param strangerKey its key
 * @param clientCertificate a client certificate signed by the CA (extended key usage clientAuth)
 * @param clientKey its key
 * @param clientKeyStore the client's key and certificate as PKCS#12, password {@link #PASSWORD}
 */
public record TestCertificates(
        Path dir,
        Path caCertificate,
        Path trustStore,
        Path serverCertificate,
        Path serverKey,
        Path wrongHostCertificate,
        Path wrongHostKey,
        Path strangerCertificate,
        Path strangerKey,
        Path clientCertificate,
        Path clientKey,
        Path clientKeyStore) {

    /** The password of {@link #trustStore} and {@link #clientKeyStore}. */
    public static final String PASSWORD = "test-store-password";

    private static final Duration STEP = Duration.ofSeconds(30);

    /** Makes every file in {@code dir} (created if absent) with {@code openssl}. */
    public static TestCertificates create(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String openssl = ServerProcess.binary("openssl");
        authority(openssl, dir, "ca", "SessionKit test CA");
        authority(openssl, dir, "other-ca", "Nobody's CA");
        signed(openssl, dir, "server", "ca", "127.0.0.1", "IP:127.0.0.1,DNS:localhost", "serverAuth");
        signed(openssl, dir, "wrong-host", "ca", "wrong.example", "DNS:wrong.example", "serverAuth");
        signed(openssl, dir, "stranger", "other-ca", "127.0.0.1", "IP:127.0.0.1,DNS:localhost", "serverAuth");
        signed(openssl, dir, "client", "ca", "sessionkit-client", "DNS:sessionkit-client", "clientAuth");
        run(
                dir,
                openssl,
                "pkcs12",
                "-export",
                "-in",
                "client.pem",
                "-inkey",
                "client.key",
                "-name",
                "client",
                "-out",
                "client.p12",
                "-passout",
                "pass:" + PASSWORD);
        Path trust = dir.resolve("trust.p12");
        trustStoreOf(dir.resolve("ca.pem"), trust);
        return new TestCertificates(
                dir,
                dir.resolve("ca.pem"),
                trust,
                dir.resolve("server.pem"),
                dir.resolve("server.key"),
                dir.resolve("wrong-host.pem"),
                dir.resolve("wrong-host.key"),
                dir.resolve("stranger.pem"),
                dir.resolve("stranger.key"),
                dir.resolve("client.pem"),
                dir.resolve("client.key"),
                dir.resolve("client.p12"));
    }

    /**
     * The {@code redis-server} arguments for a TLS port beside the plain one (which stays for readiness checks and the
     * tests' own raw clients): this certificate and key, the CA for client certificates, and whether a client must
     * present one ({@code yes}) or may ({@code optional}).
     */
    public List<String> redisArgs(int tlsPort, Path certificate, Path key, boolean clientCertificateRequired) {
        return List.of(
                "--tls-port",
                Integer.toString(tlsPort),
                "--tls-cert-file",
                certificate.toString(),
                "--tls-key-file",
                key.toString(),
                "--tls-ca-cert-file",
                caCertificate.toString(),
                "--tls-auth-clients",
                clientCertificateRequired ? "yes" : "optional");
    }

    /**
     * The {@code redis-server} arguments for the TLS connections a server opens itself (a replica to its master, a
     * Cluster node on the bus, a Sentinel to the servers it watches): {@code redis-server} presents its
     * {@code tls-cert-file} there unless told otherwise, and the server certificate is for {@code serverAuth} only, so
     * the peer would refuse it; these name the client certificate instead.
     */
    public List<String> redisOutgoingArgs() {
        return List.of(
                "--tls-client-cert-file", clientCertificate.toString(), "--tls-client-key-file", clientKey.toString());
    }

    private static void authority(String openssl, Path dir, String name, String subject) {
        run(
                dir,
                newKeyRequest(openssl, name, "-x509"),
                "-out",
                name + ".pem",
                "-days",
                "2",
                "-subj",
                "/CN=" + subject,
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign");
    }

    private static void signed(
            String openssl, Path dir, String name, String ca, String commonName, String san, String usage) {
        run(dir, newKeyRequest(openssl, name), "-out", name + ".csr", "-subj", "/CN=" + commonName);
        Path ext = dir.resolve(name + ".ext");
        try {
            Files.writeString(
                    ext,
                    "subjectAltName=" + san + "\nextendedKeyUsage=" + usage + "\n"
                            + "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyAgreement\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(
                dir,
                openssl,
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                ca + ".pem",
                "-CAkey",
                ca + ".key",
                "-CAcreateserial",
                "-out",
                name + ".pem",
                "-days",
                "2",
                "-extfile",
                ext.getFileName().toString());
    }

    /** A PKCS#12 store with {@code caPem} as a trusted entry (openssl's own export would mark no entry trusted for Java). */
    private static void trustStoreOf(Path caPem, Path out) {
        try (InputStream in = Files.newInputStream(caPem);
                OutputStream os = Files.newOutputStream(out)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            ks.store(os, PASSWORD.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write trust store " + out + ": " + e.getMessage(), e);
        }
    }

    private static void run(Path dir, String... command) {
        ServerProcess.run(STEP, dir, new ArrayList<>(List.of(command)));
    }

    /** {@code openssl req} with a new unencrypted P-256 key written to {@code name.key}, then {@code options}. */
    private static List<String> newKeyRequest(String openssl, String name, String... options) {
        List<String> command = new ArrayList<>(List.of(openssl, "req"));
        command.addAll(List.of(options));
        command.addAll(List.of(
                "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-noenc", "-keyout", name + ".key"));
        return command;
    }

    private static void run(Path dir, List<String> request, String... more) {
        List<String> command = new ArrayList<>(request);
        command.addAll(List.of(more));
        ServerProcess.run(STEP, dir, command);
    }
}

package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.Session;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.SessionStores;
import io.sessionkit.testing.ServerProcess;
import io.sessionkit.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * TLS to a real {@code redis-server} started with {@code --tls-port} and certificates made for the run
 * ({@link TestCertificates}): server authentication with a PEM CA or a PKCS#12 trust store, mutual TLS with a PEM or
 * PKCS#12 client certificate, and the refusals: an untrusted CA, a certificate for another host (hostname
 * verification is on by default), no client certificate where one is required, plain text to a TLS port. Also run by
 * session-compat on Spring Boot 4.0's Jedis 7.0.0, where TLS is configured through the same (older) client settings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisTlsTest {
    private TestCertificates certs;
    private ServerProcess serverAuth;
    private ServerProcess mutual;
    private ServerProcess wrongHost;
    private ServerProcess stranger;
    private int serverAuthPort;
    private int mutualPort;
    private int wrongHostPort;
    private int strangerPort;

    @BeforeAll
    void start() throws Exception {
        certs = TestCertificates.create(Files.createTempDirectory("sk-redis-tls"));
        serverAuthPort = ServerProcess.freePort();
        serverAuth = tlsServer("tls", serverAuthPort, certs.serverCertificate(), certs.serverKey(), false);
        mutualPort = ServerProcess.freePort();
        mutual = tlsServer("mtls", mutualPort, certs.serverCertificate(), certs.serverKey(), true);
        wrongHostPort = ServerProcess.freePort();
        wrongHost =
                tlsServer("tls-wrong-host", wrongHostPort, certs.wrongHostCertificate(), certs.wrongHostKey(), false);
        strangerPort = ServerProcess.freePort();
        stranger = tlsServer("tls-stranger", strangerPort, certs.strangerCertificate(), certs.strangerKey(), false);
    }

    @AfterAll
    void stop() throws Exception {
        for (ServerProcess p : new ServerProcess[] {serverAuth, mutual, wrongHost, stranger}) {
            if (p != null) {
                p.close();
            }
        }
        if (certs != null) {
            try (var files = Files.walk(certs.dir())) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            }
        }
    }

    private ServerProcess tlsServer(String name, int tlsPort, Path cert, Path key, boolean clientCertRequired) {
        return ServerProcess.redis(
                name, certs.redisArgs(tlsPort, cert, key, clientCertRequired).toArray(String[]::new));
    }

    private static RedisSessionStore.Builder rediss(int port) {
        return RedisSessionStore.builder()
                .uri("rediss://127.0.0.1:" + port)
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(2));
    }

    /** A session written and read back through the store {@code builder} builds: the connection works end to end. */
    private static void roundTrip(RedisSessionStore.Builder builder) {
        try (RedisSessionStore store = builder.build()) {
            SessionManager manager = SessionManager.builder(store).build();
            Session s = manager.create();
            s.setAttribute("user", "alice");
            manager.save(s);
            assertThat(manager.find(s.id().value()).orElseThrow().getAttribute("user"))
                    .isEqualTo("alice");
        }
    }

    /** The handshake fails (the store's unavailable error, caused by an SSLHandshakeException) for {@code reason}. */
    private static void assertRefused(RedisSessionStore.Builder builder, String reason) {
        try (RedisSessionStore store = builder.build()) {
            assertThatThrownBy(store::ping)
                    .isInstanceOf(SessionStoreUnavailableException.class)
                    .satisfies(e -> {
                        Throwable handshake = e;
                        while (handshake != null && !(handshake instanceof SSLHandshakeException)) {
                            handshake = handshake.getCause();
                        }
                        assertThat(handshake).isNotNull();
                        assertThat(handshake.getMessage()).contains(reason);
                    });
        }
    }

    @Test
    @DisplayName("rediss:// with the CA as a PEM file: sessions are stored and read over TLS")
    void serverAuthWithPem() {
        roundTrip(rediss(serverAuthPort).trustPem(certs.caCertificate()));
    }

    @Test
    @DisplayName("rediss:// with a PKCS#12 trust store: sessions are stored and read over TLS")
    void serverAuthWithTrustStore() {
        roundTrip(rediss(serverAuthPort).trustStore(certs.trustStore(), TestCertificates.PASSWORD));
    }

    @Test
    @DisplayName("the host may be named as in the certificate's DNS name (localhost) as well as by its IP address")
    void dnsName() {
        roundTrip(RedisSessionStore.builder()
                .uri("rediss://localhost:" + serverAuthPort)
                .trustPem(certs.caCertificate()));
    }

    @Test
    @DisplayName("a server certificate from a CA the client does not trust is refused (the JDK's default trust too)")
    void untrustedCa() {
        assertRefused(rediss(strangerPort).trustPem(certs.caCertificate()), "PKIX path building failed");
        assertRefused(rediss(serverAuthPort), "PKIX path building failed");
    }

    @Test
    @DisplayName("hostname verification is on by default: a trusted certificate for another host is refused")
    void wrongHostRefused() {
        assertRefused(
                rediss(wrongHostPort).trustPem(certs.caCertificate()),
                "No subject alternative names matching IP address 127.0.0.1");
    }

    @Test
    @DisplayName("verifyHostname(false) accepts a trusted certificate for another host (documented as a narrow escape)")
    void wrongHostAcceptedWhenSwitchedOff() {
        roundTrip(rediss(wrongHostPort).trustPem(certs.caCertificate()).verifyHostname(false));
    }

    @Test
    @DisplayName("mutual TLS: a PEM client certificate and key are presented and accepted")
    void mutualWithPem() {
        roundTrip(rediss(mutualPort)
                .trustPem(certs.caCertificate())
                .clientPem(certs.clientCertificate(), certs.clientKey()));
    }

    @Test
    @DisplayName("mutual TLS: a PKCS#12 client key store is presented and accepted")
    void mutualWithKeyStore() {
        roundTrip(rediss(mutualPort)
                .trustStore(certs.trustStore(), TestCertificates.PASSWORD)
                .keyStore(certs.clientKeyStore(), TestCertificates.PASSWORD));
    }

    @Test
    @DisplayName("mutual TLS: without a client certificate the server refuses the connection")
    void mutualWithoutClientCertificate() {
        try (RedisSessionStore store =
                rediss(mutualPort).trustPem(certs.caCertificate()).build()) {
            assertThatThrownBy(store::ping).isInstanceOf(SessionStoreUnavailableException.class);
        }
    }

    @Test
    @DisplayName("redis:// (plain text) to a TLS port fails with the store's error, within the read timeout")
    void plainTextToTlsPort() {
        try (RedisSessionStore store = RedisSessionStore.builder()
                .uri("redis://127.0.0.1:" + serverAuthPort)
                .readTimeout(Duration.ofMillis(500))
                .build()) {
            assertThatThrownBy(store::ping).isInstanceOf(SessionStoreUnavailableException.class);
        }
    }

    @Test
    @DisplayName("the provider reads sessionkit.redis.tls.* and a password given apart from the URI")
    void providerKeys() {
        Map<String, String> keys = new HashMap<>(Map.of(
                "sessionkit.store", "redis",
                "sessionkit.redis.uri", "rediss://127.0.0.1:" + mutualPort,
                "sessionkit.redis.tls.ca-file", certs.caCertificate().toString(),
                "sessionkit.redis.tls.certificate-file",
                        certs.clientCertificate().toString(),
                "sessionkit.redis.tls.key-file", certs.clientKey().toString()));
        try (SessionStore store = SessionStores.open(SessionKitConfig.of(keys))) {
            store.ping();
        }
        keys.remove("sessionkit.redis.tls.certificate-file");
        keys.remove("sessionkit.redis.tls.key-file");
        keys.put("sessionkit.redis.tls.key-store", certs.clientKeyStore().toString());
        keys.put("sessionkit.redis.tls.key-store-password", TestCertificates.PASSWORD);
        try (SessionStore store = SessionStores.open(SessionKitConfig.of(keys))) {
            store.ping();
        }
    }

    @Test
    @DisplayName("bad TLS keys fail at start-up naming every key, never a password")
    void badKeys() {
        String secret = "not-the-password-42";
        Map<String, String> keys = Map.of(
                "sessionkit.store",
                "redis",
                "sessionkit.redis.uri",
                "rediss://127.0.0.1:" + serverAuthPort,
                "sessionkit.redis.tls.ca-file",
                certs.caCertificate().toString(),
                "sessionkit.redis.tls.trust-store",
                certs.trustStore().toString(),
                "sessionkit.redis.tls.certificate-file",
                certs.clientCertificate().toString(),
                "sessionkit.redis.tls.key-store-password",
                secret,
                "sessionkit.redis.tls.verify-hostname",
                "perhaps");
        assertThatThrownBy(() -> SessionStores.open(SessionKitConfig.of(keys)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionkit.redis.tls.trust-store and sessionkit.redis.tls.ca-file")
                .hasMessageContaining("sessionkit.redis.tls.certificate-file and sessionkit.redis.tls.key-file")
                .hasMessageContaining("sessionkit.redis.tls.verify-hostname")
                .hasMessageNotContaining(secret);
    }

    @Test
    @DisplayName("a wrong key store password or a missing file fails when the store is built, naming the setting")
    void unreadableMaterial() {
        String wrong = "wrong-password-17";
        assertThatThrownBy(() -> rediss(mutualPort)
                        .keyStore(certs.clientKeyStore(), wrong)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("keyStore: cannot open key store")
                .hasMessageNotContaining(wrong);
        Path missing = certs.dir().resolve("absent.pem");
        assertThatThrownBy(() -> rediss(mutualPort).trustPem(missing).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trustPem: cannot read " + missing);
        assertThatThrownBy(() -> RedisSessionStore.builder()
                        .uri("redis://127.0.0.1:6379")
                        .trustPem(certs.caCertificate())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("need a rediss:// URI");
    }

    @Test
    @DisplayName("an encrypted or PKCS#1 private key is refused with the openssl command that converts it")
    void pkcs1KeyRefused() throws Exception {
        Path pkcs1 = certs.dir().resolve("client-pkcs1.key");
        Files.writeString(pkcs1, "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n");
        assertThatThrownBy(() -> rediss(mutualPort)
                        .clientPem(certs.clientCertificate(), pkcs1)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    @DisplayName(
            "a user or password given apart from the URI may not also be in it (RedisAclConformanceTest uses them)")
    void passwordApart() {
        UnaryOperator<RedisSessionStore.Builder> both =
                b -> b.uri("redis://:inuri@127.0.0.1:6379").password("apart");
        assertThatThrownBy(() -> both.apply(RedisSessionStore.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give it in one place")
                .hasMessageNotContaining("inuri")
                .hasMessageNotContaining("apart-");
    }
}

package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProviderConfigTest {
    private static final Set<String> KEYS =
            Set.of("uri", "password", "connect-timeout", "pool.max-size", "tls", "servers", "key-prefix", "size");

    private static ProviderConfig config(String name, Map<String, String> values) {
        return ProviderConfig.of(SessionKitConfig.of(values), name, KEYS);
    }

    @Test
    void typedAccessorsReadBySuffixWithDefaults() {
        Clock clock = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);
        ProviderConfig c = ProviderConfig.of(
                SessionKitConfig.of(Map.of(
                                "sessionkit.t1.connect-timeout",
                                "250ms",
                                "sessionkit.t1.pool.max-size",
                                "7",
                                "sessionkit.t1.tls",
                                "true",
                                "sessionkit.t1.servers",
                                "a:1, b",
                                "sessionkit.t1.size",
                                "2KiB",
                                "sessionkit.t1.key-prefix",
                                " x: "))
                        .withClock(clock),
                "t1",
                KEYS);
        assertThat(c.key("uri")).isEqualTo("sessionkit.t1.uri");
        assertThat(c.clock()).isSameAs(clock);
        assertThat(c.duration("connect-timeout", Duration.ofSeconds(9))).isEqualTo(Duration.ofMillis(250));
        assertThat(c.duration("read-timeout", Duration.ofSeconds(9))).isEqualTo(Duration.ofSeconds(9));
        assertThat(c.integer("pool.max-size", 1)).isEqualTo(7);
        assertThat(c.bool("tls", false)).isTrue();
        assertThat(c.bytes("size", 1)).isEqualTo(2048);
        assertThat(c.string("key-prefix", "sk:")).isEqualTo("x:");
        assertThat(c.string("uri", "redis://d")).isEqualTo("redis://d");
        assertThat(c.hostPorts("servers", List.of(), 11211))
                .containsExactly(new BuilderChecks.HostPort("a", 1), new BuilderChecks.HostPort("b", 11211));
        assertThat(c.secret("password")).isEmpty();
        c.validate();
    }

    @Test
    void validateReportsEveryBadKeyAtOnceInTheOrderRead() {
        ProviderConfig c = config(
                "t2",
                Map.of(
                        "sessionkit.t2.connect-timeout", "soon",
                        "sessionkit.t2.pool.max-size", "many",
                        "sessionkit.t2.tls", "maybe",
                        "sessionkit.t2.servers", "h:port",
                        "sessionkit.t2.key-prefix", "a b"));
        assertThat(c.duration("connect-timeout", Duration.ofSeconds(2)))
                .as("the default, so reading goes on")
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(c.integer("pool.max-size", 10)).isEqualTo(10);
        assertThat(c.bool("tls", false)).isFalse();
        assertThat(c.hostPorts("servers", List.of(), 6379)).isEmpty();
        c.apply("key-prefix", c.string("key-prefix", "sk:"), p -> BuilderChecks.keyPrefix("keyPrefix", p, 10));
        Throwable e = catchThrowable(c::validate);
        assertThat(e)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("sessionkit.t2.connect-timeout: 'soon' is not valid")
                .hasMessageContaining("; sessionkit.t2.pool.max-size: 'many' is not valid; expected a whole number")
                .hasMessageContaining("; sessionkit.t2.tls: 'maybe' is not valid; expected true or false")
                .hasMessageContaining("; sessionkit.t2.servers: 'h:port' is not valid")
                .hasMessageContaining(
                        "; sessionkit.t2.key-prefix: 'a b' is not valid; expected at most 10 printable ASCII");
        assertThat(e.getMessage().split("; sessionkit\\.")).hasSize(5);
    }

    @Test
    void oneBadKeyIsReportedAloneAndTheSetterNameGivesWayToTheKey() {
        ProviderConfig c = config("t3", Map.of("sessionkit.t3.connect-timeout", "0s"));
        c.apply(
                "connect-timeout",
                c.duration("connect-timeout", Duration.ofSeconds(1)),
                d -> BuilderChecks.positive("connectTimeout", d));
        assertThatThrownBy(c::validate)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "sessionkit.t3.connect-timeout: '0s' is not valid; expected a duration from 1ms")
                .hasMessageNotContaining("connectTimeout");
    }

    @Test
    void aSecretIsNeverEchoedNorKeptInTheCauseChain() {
        String url = "jdbc:postgresql://db/app?user=app&password=hunter2";
        ProviderConfig c = config("t4", Map.of("sessionkit.t4.uri", url, "sessionkit.t4.password", "hunter2 "));
        String uri = c.secret("uri").orElseThrow();
        assertThat(c.secret("password")).contains("hunter2 ");
        c.invalid("uri", "a URL starting with jdbcx:");
        c.apply("uri", uri, u -> {
            throw new IllegalArgumentException("bad URL '" + u + "'");
        });
        c.apply("password", "hunter2 ", p -> {
            throw new IllegalArgumentException("password '" + p + "' too weak");
        });
        Throwable e = catchThrowable(c::validate);
        assertThat(e)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionkit.t4.uri")
                .hasMessageContaining("sessionkit.t4.password")
                .hasMessageContaining("(value not shown)");
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain("hunter2");
        }
    }

    @Test
    void setterReadersPassOnlyWhatIsSetAndTheCommonKeysAreDeclared() {
        Clock clock = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);
        Map<String, Object> applied = new LinkedHashMap<>();
        try (LogCapture log = LogCapture.of("io.sessionkit.config")) {
            ProviderConfig c = ProviderConfig.of(
                    SessionKitConfig.of(Map.of(
                                    "sessionkit.t9.connect-timeout", "0s",
                                    "sessionkit.t9.expiry-grace", "5s",
                                    "sessionkit.t9.pool.max-size", "many",
                                    "sessionkit.t9.key-prefix", " x: ",
                                    "sessionkit.t9.size", "1KiB"))
                            .withClock(clock),
                    "t9",
                    KEYS);
            c.common(
                    cl -> applied.put("clock", cl),
                    d -> applied.put("connect-timeout", BuilderChecks.positive("connectTimeout", d)),
                    d -> applied.put("expiry-grace", d));
            c.integer("pool.max-size", n -> applied.put("pool.max-size", n));
            c.string("key-prefix", p -> applied.put("key-prefix", p));
            c.bytes("size", n -> applied.put("size", n));
            c.bool("tls", t -> applied.put("tls", t));
            c.duration("read-timeout", d -> applied.put("read-timeout", d));
            assertThat(applied)
                    .as("unset keys and values that do not parse or that the setter refuses are not applied")
                    .containsExactly(
                            Map.entry("clock", clock),
                            Map.entry("expiry-grace", Duration.ofSeconds(5)),
                            Map.entry("key-prefix", "x:"),
                            Map.entry("size", 1024L));
            assertThatThrownBy(c::validate)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("sessionkit.t9.connect-timeout: '0s' is not valid; expected a duration")
                    .hasMessageEndingWith(
                            "; sessionkit.t9.pool.max-size: 'many' is not valid; expected a whole number");
            assertThat(log.warnings())
                    .as("connect-timeout and expiry-grace are declared by common()")
                    .isEmpty();
        }
    }

    @Test
    void crossKeyProblemsAreReportedWithTheRest() {
        ProviderConfig c = config("t5", Map.of("sessionkit.t5.size", "-1"));
        c.problem("sessionkit.t5.a and sessionkit.t5.b: set both or neither");
        c.bytes("size", 1);
        assertThatThrownBy(c::validate)
                .hasMessage("sessionkit.t5.a and sessionkit.t5.b: set both or neither; "
                        + "sessionkit.t5.size: '-1' is not valid; expected a size >= 0");
    }

    @Test
    void anUndeclaredKeyIsWarnedOnceWithTheNearestDeclaredKey() {
        try (LogCapture log = LogCapture.of("io.sessionkit.config")) {
            Map<String, String> m = Map.of(
                    "sessionkit.t6.url",
                    "redis://h",
                    "sessionkit.t6.conect-timeout",
                    "1s",
                    "sessionkit.t6.zzzzzzzz",
                    "x",
                    "sessionkit.other.uri",
                    "not ours",
                    "unrelated.key",
                    "x");
            config("t6", m).validate();
            config("t6", m).validate();
            assertThat(log.warnings())
                    .containsExactly("Unknown SessionKit configuration keys ignored: "
                            + "sessionkit.t6.conect-timeout (did you mean sessionkit.t6.connect-timeout?), "
                            + "sessionkit.t6.url (did you mean sessionkit.t6.uri?), sessionkit.t6.zzzzzzzz");
        }
    }

    @Test
    void environmentNamesAreMatchedInTheirOwnForm() {
        Properties p = new Properties();
        p.setProperty("SESSIONKIT_T7_URL", "x");
        p.setProperty("SESSIONKIT_T7_URI", "y");
        try (LogCapture log = LogCapture.of("io.sessionkit.config")) {
            ProviderConfig.of(SessionKitConfig.of(p), "t7", KEYS).validate();
            assertThat(log.warnings())
                    .containsExactly(
                            "Unknown SessionKit configuration key ignored: SESSIONKIT_T7_URL (did you mean SESSIONKIT_T7_URI?)");
        }
    }

    @Test
    void aLambdaConfigListsNoKeysAndWarnsNothing() {
        try (LogCapture log = LogCapture.of("io.sessionkit.config")) {
            SessionKitConfig lambda = key -> key.equals("sessionkit.t8.url") ? "x" : null;
            ProviderConfig.of(lambda, "t8", KEYS).validate();
            assertThat(log.warnings()).isEmpty();
        }
    }

    @Test
    void storesWarnAboutCoreTyposButLeaveOtherReadersNamespacesAlone() {
        try (LogCapture log = LogCapture.of("io.sessionkit.config")) {
            SessionKitConfig c = SessionKitConfig.of(Map.of(
                    "sessionkit.store",
                    "alpha",
                    "sessionkit.max-idel",
                    "30m",
                    "sessionkit.codec.java.filter",
                    "java.lang.*",
                    "sessionkit.servlet.cookie-name",
                    "S",
                    "sessionkit.redis.url",
                    "other store's reader",
                    "sessionkit.alpah.x",
                    "1",
                    "sessionkit.alpha.anything",
                    "1"));
            SessionStores.warnUnknownKeys(c, "alpha");
            SessionStores.warnUnknownKeys(c, "alpha");
            assertThat(log.warnings())
                    .containsExactly("Unknown SessionKit configuration keys ignored: "
                            + "sessionkit.alpah.x (did you mean sessionkit.alpha.x?), "
                            + "sessionkit.max-idel (did you mean sessionkit.max-idle?)");
        }
    }

    @Test
    void aKeyReadIsDeclaredSoOnlyKeysNobodyReadAreWarnedAbout() {
        try (LogCapture log = LogCapture.of("io.sessionkit.config")) {
            ProviderConfig c = ProviderConfig.of(
                    SessionKitConfig.of(Map.of(
                            "sessionkit.t10.uri", "redis://h",
                            "sessionkit.t10.pool.max-size", "3",
                            "sessionkit.t10.pool.max-sise", "4")),
                    "t10");
            assertThat(c.string("uri")).contains("redis://h");
            assertThat(c.integer("pool.max-size", 1)).isEqualTo(3);
            c.duration("read-timeout", d -> {
                throw new AssertionError("unset: the setter is not called");
            });
            c.validate();
            assertThat(c.keys())
                    .containsExactlyInAnyOrder(
                            "sessionkit.t10.uri", "sessionkit.t10.pool.max-size", "sessionkit.t10.read-timeout");
            assertThat(log.warnings())
                    .containsExactly("Unknown SessionKit configuration key ignored: sessionkit.t10.pool.max-sise"
                            + " (did you mean sessionkit.t10.pool.max-size?)");
        }
    }

    @Test
    void orElseAndWithClockKeepTheKeys() {
        SessionKitConfig a = SessionKitConfig.of(Map.of("sessionkit.a", "1"));
        SessionKitConfig b = SessionKitConfig.of(Map.of("sessionkit.b", "2"));
        assertThat(a.orElse(b).withClock(Clock.systemUTC()).keys())
                .containsExactlyInAnyOrder("sessionkit.a", "sessionkit.b");
        SessionKitConfig lambda = key -> null;
        assertThat(lambda.keys()).isEmpty();
    }
}

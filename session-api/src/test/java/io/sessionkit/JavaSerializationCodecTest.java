package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.URI;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Item 12 of issue 14: with {@code sessionkit.codec=java} every value comes back as the class that was stored, not
 * only in the request that set it but after a real round trip through the stored text, in later requests and after a
 * compare-and-set conflict re-applied the request's changes onto a newer version.
 */
class JavaSerializationCodecTest {
    /** An application enum; the application allow-lists it. */
    enum Plan {
        FREE,
        PRO
    }

    private static final String APP_ALLOW = Plan.class.getName();

    private final EnvelopeMapStore store = new EnvelopeMapStore(java.time.Clock.systemUTC());
    private final SessionManager manager =
            SessionManager.builder(store).javaSerialization(APP_ALLOW).build();

    @Test
    void item12_javaLangNumbersKeepTheirClass() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("byte", (byte) -7);
        values.put("short", (short) 30_000);
        values.put("int", 5);
        values.put("intMin", Integer.MIN_VALUE);
        values.put("userId", 5L);
        values.put("longMax", Long.MAX_VALUE);
        values.put("longBeyondDoublePrecision", 9_007_199_254_740_993L);
        values.put("float", 1.5f);
        values.put("floatNaN", Float.NaN);
        values.put("floatNegativeZero", -0.0f);
        values.put("floatTiny", Float.MIN_VALUE);
        values.put("double", 0.1);
        values.put("doubleWhole", 1.0);
        values.put("doubleNaN", Double.NaN);
        values.put("doubleInfinity", Double.POSITIVE_INFINITY);
        values.put("doubleNegativeZero", -0.0);
        values.put("doubleTiny", Double.MIN_VALUE);
        values.put("doubleLong", 2.82879384806159008E17);
        values.put("bigInteger", BigInteger.TEN);
        values.put("bigIntegerHuge", BigInteger.TWO.pow(2000));
        values.put("bigDecimalScale", new BigDecimal("1.50"));
        values.put("bigDecimalExponent", new BigDecimal("1E+3"));
        values.put("bigDecimalLong", new BigDecimal("1." + "3".repeat(1500)));
        assertEachComesBackAsStored(values);
    }

    @Test
    void item12_characterBooleanStringKeepTheirClass() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("char", 'x');
        values.put("charAccent", 'é');
        values.put("charLoneSurrogate", '\uD800');
        values.put("charQuote", '"');
        values.put("true", true);
        values.put("false", false);
        values.put("string", "alice");
        values.put("empty", "");
        values.put("numberLike", "5");
        assertEachComesBackAsStored(values);
    }

    @Test
    void item12_javaTimeTypesKeepTheirClass() {
        Instant instant = Instant.parse("2026-12-01T20:31:00.123456789Z");
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("instant", instant);
        values.put("localDate", LocalDate.of(2026, 12, 1));
        values.put("localTime", LocalTime.of(20, 31, 5, 7));
        values.put("localDateTime", LocalDateTime.of(2026, 12, 1, 20, 31));
        values.put("offsetDateTime", OffsetDateTime.of(2026, 12, 1, 20, 31, 0, 0, ZoneOffset.ofHours(-5)));
        values.put("offsetTime", OffsetTime.of(20, 31, 0, 0, ZoneOffset.UTC));
        values.put("zonedDateTime", ZonedDateTime.ofInstant(instant, ZoneId.of("Europe/Paris")));
        values.put("zoneRegion", ZoneId.of("America/New_York"));
        values.put("zoneOffset", ZoneOffset.ofHoursMinutes(5, 30));
        values.put("duration", Duration.ofMinutes(90).plusNanos(1));
        values.put("period", Period.of(1, 2, 3));
        values.put("year", Year.of(2026));
        values.put("yearMonth", YearMonth.of(2026, 12));
        values.put("monthDay", MonthDay.of(12, 1));
        values.put("dayOfWeek", DayOfWeek.TUESDAY);
        values.put("month", Month.DECEMBER);
        assertEachComesBackAsStored(values);
    }

    @Test
    @SuppressWarnings("JavaUtilDate") // java.util.Date is on the codec's allow-list: this checks that it round-trips
    void item12_uuidUriLocaleDateKeepTheirClass() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        values.put("uri", URI.create("https://shop.example/cart?item=1#top"));
        values.put("locale", Locale.forLanguageTag("de-CH"));
        values.put("localeScript", Locale.forLanguageTag("sr-Latn-RS"));
        values.put("date", new Date(1_764_621_060_123L));
        assertEachComesBackAsStored(values);
    }

    @Test
    void item12_enumsKeepTheirClass() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("appEnum", Plan.PRO);
        values.put("dayOfWeek", DayOfWeek.SUNDAY);
        values.put("timeUnit", TimeUnit.SECONDS);
        values.put("chronoUnit", ChronoUnit.DAYS);
        values.put("roundingMode", RoundingMode.HALF_EVEN);
        assertEachComesBackAsStored(values);
    }

    @Test
    void item12_arraysKeepTheirClass() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("longs", new long[] {1, Long.MAX_VALUE});
        values.put("ints", new int[] {1, 2});
        values.put("bytes", new byte[] {0, -1, 127});
        values.put("chars", new char[] {'a', 'é'});
        values.put("doubles", new double[] {0.1, Double.NaN});
        values.put("booleans", new boolean[] {true, false});
        values.put("intMatrix", new int[][] {{1}, {2, 3}});
        values.put("strings", new String[] {"a", "b"});
        values.put("boxedLongs", new Long[] {1L, 2L});
        values.put("mixed", new Object[] {1L, "a", 'c', 2.5f});
        values.put("uuids", new UUID[] {UUID.fromString("123e4567-e89b-12d3-a456-426614174000")});
        values.put("dates", new LocalDate[] {LocalDate.of(2026, 1, 1)});
        values.put("plans", new Plan[] {Plan.FREE, Plan.PRO});
        assertEachComesBackAsStored(values);
    }

    @Test
    @SuppressWarnings("JdkObsolete") // LinkedList is here because applications store it, not for speed
    void item12_collectionsKeepTheirClassAndTheirElementsClasses() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("arrayList", new ArrayList<>(List.of(1L, 2L)));
        values.put("linkedList", new LinkedList<>(List.of((short) 1, 'c')));
        values.put("listOf", List.of(1L, 2L));
        values.put("arraysAsList", Arrays.asList(1L, 2L));
        values.put("unmodifiableList", Collections.unmodifiableList(new ArrayList<>(List.of(1L))));
        values.put("emptyList", List.of());
        values.put("arrayDeque", new ArrayDeque<>(List.of(1L, 2L)));
        values.put("hashSet", new HashSet<>(Set.of(1L, 2L)));
        values.put(
                "linkedHashSet", new LinkedHashSet<>(List.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))));
        values.put("treeSet", new TreeSet<>(Set.of(1.5f, 2.5f)));
        values.put("setOf", Set.of(LocalDate.of(2026, 1, 1)));
        values.put("enumSet", EnumSet.of(Plan.PRO, Plan.FREE));
        values.put("hashMap", new HashMap<>(Map.of("userId", 5L, "score", 2.5)));
        values.put("linkedHashMap", new LinkedHashMap<>(Map.of("when", Instant.EPOCH)));
        values.put("treeMap", new TreeMap<>(Map.of("a", new BigDecimal("1.50"))));
        values.put("mapOf", Map.of("n", (byte) 1));
        EnumMap<Plan, Long> enumMap = new EnumMap<>(Plan.class);
        enumMap.put(Plan.PRO, 5L);
        values.put("enumMap", enumMap);
        values.put("nested", new HashMap<>(Map.of("ids", List.of(1L, 2L), "tags", Set.of("x"))));
        assertEachComesBackAsStored(values);
    }

    @Test
    void item12_typedReadsConvertTaggedValuesLikePlainOnes() {
        Session s = manager.create();
        s.setAttribute("userId", 5L);
        s.setAttribute("price", new BigDecimal("2.50"));
        s.setAttribute("grade", 'A');
        manager.save(s);
        Session next = manager.find(s.id().value()).orElseThrow();
        assertThat(next.getAttribute("userId", Long.class)).isEqualTo(5L);
        assertThat(next.getAttribute("userId", long.class)).isEqualTo(5L);
        assertThat(next.getAttribute("userId", Integer.class)).isEqualTo(5);
        assertThat(next.getAttribute("userId", Number.class)).isEqualTo(5L);
        assertThat(next.getAttribute("price", Double.class)).isEqualTo(2.5);
        assertThat(next.getAttribute("grade", String.class)).isEqualTo("A");
    }

    @Test
    void item12_storedFormIsTaggedJsonThatNamesNoClass() {
        Session s = manager.create();
        s.setAttribute("n", 5);
        s.setAttribute("userId", 5L);
        s.setAttribute("b", (byte) 1);
        s.setAttribute("s", (short) 2);
        s.setAttribute("f", -0.0f);
        s.setAttribute("d", Double.NaN);
        s.setAttribute("c", 'x');
        s.setAttribute("bi", new BigInteger("-12345678901234567890"));
        s.setAttribute("bd", new BigDecimal("1.50"));
        s.setAttribute("ok", true);
        s.setAttribute("name", "alice");
        manager.save(s);
        assertThat(store.storedAttributes(s.id().key()))
                .isEqualTo(
                        "{\"n\":5,\"userId\":{\"@long\":\"5\"},\"b\":{\"@byte\":\"1\"},"
                                + "\"s\":{\"@short\":\"2\"},\"f\":{\"@float\":\"-0.0\"},\"d\":{\"@double\":\"NaN\"},\"c\":{\"@character\":\"x\"},"
                                + "\"bi\":{\"@biginteger\":\"-12345678901234567890\"},\"bd\":{\"@bigdecimal\":\"1.50\"},\"ok\":true,\"name\":\"alice\"}");
    }

    @Test
    void item12_whatAnotherWriterStoresIsReadByTheSameRules() throws Exception {
        JavaSerializationCodec codec = new JavaSerializationCodec("");
        assertThat(codec.decode("a", Json.parseObject("{\"@long\":\"-9223372036854775808\"}")))
                .isEqualTo(Long.MIN_VALUE);
        assertThat(codec.decode("a", Json.parseObject("{\"@double\":\"-Infinity\"}")))
                .isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(codec.decode("a", Json.parseObject("{\"@bigdecimal\":\"1E+3\"}")))
                .isEqualTo(new BigDecimal("1E+3"));
        // Only the tags this codec writes are read, only with a string value; anything else is a plain map.
        assertThat(codec.decode("a", Json.parseObject("{\"@java.io.File\":\"/etc/passwd\"}")))
                .isEqualTo(Map.of("@java.io.File", "/etc/passwd"));
        assertThat(codec.decode("a", Json.parseObject("{\"@long\":5}"))).isEqualTo(Map.of("@long", 5));
        assertThat(codec.decode("a", Json.parseObject("{\"@long\":\"5\",\"x\":1}")))
                .isEqualTo(Map.of("@long", "5", "x", 1));
        assertThat(JsonAttributeCodec.INSTANCE.decode("a", Json.parseObject("{\"@long\":\"5\"}")))
                .isEqualTo(Map.of("@long", "5"));
    }

    @Test
    void item12_malformedTaggedValuesAreUndecodableNamingTheAttribute() throws Exception {
        JavaSerializationCodec codec = new JavaSerializationCodec("");
        for (String bad : List.of(
                "{\"@long\":\"five\"}",
                "{\"@long\":\"9223372036854775808\"}",
                "{\"@byte\":\"300\"}",
                "{\"@short\":\"\"}",
                "{\"@character\":\"ab\"}",
                "{\"@character\":\"\"}",
                "{\"@float\":\"x\"}",
                "{\"@biginteger\":\"1.5\"}",
                "{\"@bigdecimal\":\"1e\"}",
                "{\"@bigdecimal\":\"" + "1".repeat(1001) + "\"}")) {
            var node = Json.parseObject(bad);
            assertThatThrownBy(() -> codec.decode("attr", node))
                    .as(bad)
                    .isInstanceOf(SessionCodecException.class)
                    .hasMessageContaining("attribute 'attr'");
        }
    }

    @Test
    void item12_theAllowListStillRefusesWhatItDoesNotName() {
        JavaSerializationCodec codec = new JavaSerializationCodec("");
        assertThatThrownBy(() -> codec.encode("files", new File[] {new File("/etc/passwd")}))
                .isInstanceOf(SessionCodecException.class);
        assertThatThrownBy(() -> codec.encode("plan", Plan.PRO)).isInstanceOf(SessionCodecException.class);
        assertThatThrownBy(() -> codec.encode("plans", EnumSet.of(Plan.PRO))).isInstanceOf(SessionCodecException.class);
        assertThatThrownBy(() -> codec.encode("atomic", new java.util.concurrent.atomic.AtomicLong(1)))
                .isInstanceOf(SessionCodecException.class);
    }

    /**
     * Stores {@code values} in a first request and reads each back: in that request, in a second one after the round
     * trip through the store, and in a third after a concurrent writer forced a compare-and-set retry that re-applied
     * the second request's change onto a newer version.
     */
    private void assertEachComesBackAsStored(Map<String, Object> values) {
        Session first = manager.create();
        values.forEach(first::setAttribute);
        assertSame(values, first, "the request that set them");
        manager.save(first);
        String id = first.id().value();

        Session second = manager.find(id).orElseThrow();
        assertSame(values, second, "the next request");
        Session concurrent = manager.find(id).orElseThrow();
        concurrent.setAttribute("other", "written meanwhile");
        manager.save(concurrent);
        second.setAttribute("visits", 2L);
        assertThat(manager.save(second)).isEqualTo(SaveResult.UPDATED);

        Session third = manager.find(id).orElseThrow();
        assertSame(values, third, "a request after a conflict was merged");
        assertThat(third.getAttribute("visits")).isEqualTo(2L);
        assertThat(third.getAttribute("other")).isEqualTo("written meanwhile");
    }

    /** A queue has no value equality; its elements in order do. */
    private static Object comparable(Object value) {
        return value instanceof ArrayDeque<?> queue ? List.copyOf(queue) : value;
    }

    private static void assertSame(Map<String, Object> values, Session session, String when) {
        values.forEach((name, expected) -> {
            Object back = session.getAttribute(name);
            assertThat(back).as("%s in %s", name, when).isNotNull();
            assertThat(back.getClass()).as("class of %s in %s", name, when).isEqualTo(expected.getClass());
            assertThat(Objects.deepEquals(comparable(back), comparable(expected)))
                    .as("%s in %s: %s", name, when, back)
                    .isTrue();
            if (expected instanceof Float f) {
                assertThat(Float.floatToRawIntBits((Float) back))
                        .as("%s bits in %s", name, when)
                        .isEqualTo(Float.floatToRawIntBits(f));
            }
            if (expected instanceof Double d) {
                assertThat(Double.doubleToRawLongBits((Double) back))
                        .as("%s bits in %s", name, when)
                        .isEqualTo(Double.doubleToRawLongBits(d));
            }
            if (expected instanceof Collection<?> c && !c.isEmpty()) {
                assertThat(((Collection<?>) back).iterator().next().getClass())
                        .as("element class of %s in %s", name, when)
                        .isEqualTo(c.iterator().next().getClass());
            }
            Object typed = session.getAttribute(name, expected.getClass());
            assertThat(Objects.deepEquals(comparable(typed), comparable(expected)))
                    .as("%s read as %s in %s", name, expected.getClass(), when)
                    .isTrue();
        });
    }
}

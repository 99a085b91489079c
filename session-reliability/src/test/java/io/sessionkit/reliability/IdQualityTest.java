package io.sessionkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.Session;
import io.sessionkit.SessionId;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStores;
import io.sessionkit.tck.CountingSessionStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Id quality: a million ids are unique, of the right length and alphabet and evenly spread; and lookup cannot leak
 * how much of a presented id matches a live one, shown structurally rather than by timing (timings in unit tests are
 * noise; {@link IdLookupTiming} measures them separately, see SECURITY.md).
 */
class IdQualityTest {
    private static final int COUNT = 1_000_000;
    private static final String ALPHABET = MalformedIds.ID_ALPHABET;

    @Test
    @DisplayName(
            "10^6 generated ids: unique, 32 chars of [A-Za-z0-9_-], 24 random bytes, every symbol at every position near 1/64")
    void aMillionIdsAreUniqueWellFormedAndEvenlySpread() {
        Set<String> seen = new HashSet<>(COUNT * 2);
        int[][] counts = new int[SessionId.LENGTH][64];
        List<String> bad = new ArrayList<>();
        int duplicates = 0;
        for (int i = 0; i < COUNT; i++) {
            String id = SessionId.generate().value();
            if (id.length() != SessionId.LENGTH || Base64.getUrlDecoder().decode(id).length != 24) {
                bad.add(id);
                continue;
            }
            for (int p = 0; p < id.length(); p++) {
                int symbol = ALPHABET.indexOf(id.charAt(p));
                if (symbol < 0) {
                    bad.add(id);
                    break;
                }
                counts[p][symbol]++;
            }
            if (!seen.add(id)) {
                duplicates++;
            }
        }
        assertThat(bad).as("ids of the wrong length or alphabet").isEmpty();
        assertThat(duplicates).as("duplicate ids").isZero();
        assertThat(seen).hasSize(COUNT);
        // Expected 15 625 per cell, standard deviation ~124: +-10 % is more than 12 sigma, so this never flakes, yet a
        // biased generator (a fixed position, a short alphabet, modulo bias) fails it.
        double expected = COUNT / 64.0;
        for (int p = 0; p < SessionId.LENGTH; p++) {
            for (int s = 0; s < 64; s++) {
                assertThat((double) counts[p][s])
                        .as("symbol %c at position %d", ALPHABET.charAt(s), p)
                        .isBetween(expected * 0.9, expected * 1.1);
            }
        }
        System.out.printf(
                "[id-quality] %d ids: all unique, 32 chars, 64-symbol alphabet, every (position, symbol) within 10%% of %.0f%n",
                COUNT, expected);
    }

    @Test
    @DisplayName(
            "lookup is by SHA-256 key: an id sharing 0..31 leading characters with a live one yields an unrelated key")
    void lookupSeesOnlyTheHashNeverAPrefix() {
        try (CountingSessionStore store = new CountingSessionStore(
                SessionStores.open(SessionKitConfig.of(Map.of("sessionkit.store", "local"))))) {
            SessionManager manager = SessionManager.builder(store).build();
            Session live = manager.create();
            manager.save(live);
            String liveId = live.id().value();
            String liveKey = live.id().key().value();
            store.reset();
            for (int shared = 0; shared < SessionId.LENGTH; shared++) {
                char differing = liveId.charAt(shared) == 'A' ? 'B' : 'A';
                String probe = liveId.substring(0, shared) + differing + liveId.substring(shared + 1);
                assertThat(manager.find(probe)).isEmpty();
                String seen = store.keysSeen().get(store.keysSeen().size() - 1);
                assertThat(seen).isEqualTo(BadInputTest.sha256Key(probe));
                // 64^-7 per probe: a shared prefix of the id never becomes a shared prefix of the key.
                assertThat(commonPrefix(seen, liveKey))
                        .as("key prefix shared with the live key, id prefix %d", shared)
                        .isLessThan(7);
                assertThat(SessionId.parse(probe).orElseThrow()).isNotEqualTo(live.id());
            }
            assertThat(store.loads()).isEqualTo(SessionId.LENGTH);
            assertThat(SessionId.parse(liveId).orElseThrow()).isEqualTo(live.id());
        }
    }

    @Test
    @DisplayName("SessionId.equals compares in constant time (MessageDigest.isEqual), and keys are SHA-256")
    void idComparisonIsConstantTime() throws IOException {
        // Structural: the compiled class refers to MessageDigest.isEqual and SHA-256; an early-exit String.equals on
        // raw ids would not need either.
        String classFile = constantPool(SessionId.class);
        assertThat(classFile).contains("java/security/MessageDigest").contains("isEqual");
        String keyClass = constantPool(io.sessionkit.SessionKey.class);
        assertThat(keyClass).contains("SHA-256").contains("java/security/MessageDigest");
        assertThat(List.of(SessionId.class.getDeclaredMethods()))
                .anyMatch(m -> m.getName().equals("equals"));
    }

    private static String constantPool(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            assertThat(in).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static int commonPrefix(String a, String b) {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
            n++;
        }
        return n;
    }
}

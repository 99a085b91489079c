package io.sessionkit.reliability;

import io.sessionkit.Session;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Not a test: measures {@code SessionManager.find} for unknown ids that share 0, 8, 16, 24 or 31 leading characters
 * with a live id, on the in-process store (no network noise to hide a difference). Figures go to SECURITY.md.
 *
 * <pre>
 * ./mvnw -B -q -pl session-reliability -am test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.sessionkit.reliability.IdLookupTiming
 * </pre>
 */
public final class IdLookupTiming {
    private static final int[] SHARED = {0, 8, 16, 24, 31};
    private static final int ROUNDS = 30;
    private static final int PER_ROUND = 20_000;

    private IdLookupTiming() {}

    public static void main(String[] args) {
        try (SessionStore store = SessionStores.open(SessionKitConfig.of(Map.of("sessionkit.store", "local")))) {
            SessionManager manager = SessionManager.builder(store).build();
            Session live = manager.create();
            manager.save(live);
            String id = live.id().value();
            List<String[]> probes = new ArrayList<>();
            for (int shared : SHARED) {
                // 63 distinct probes per class, cycled: an id sharing 31 characters can only differ in its last one, so
                // every class gets the same number of distinct keys (and the same cache behaviour).
                String[] distinct = new String[63];
                java.util.Random random = new java.util.Random(shared);
                int n = 0;
                for (char c : MalformedIds.ID_ALPHABET.toCharArray()) {
                    if (c != id.charAt(shared)) {
                        distinct[n++] = id.substring(0, shared)
                                + c
                                + MalformedIds.validShape(random).substring(shared + 1);
                    }
                }
                String[] p = new String[PER_ROUND];
                for (int i = 0; i < PER_ROUND; i++) {
                    p[i] = new String(distinct[i % distinct.length].toCharArray());
                }
                probes.add(p);
            }
            long[][] nanosPerLookup = new long[SHARED.length][ROUNDS];
            long sink = 0;
            java.util.Random shuffle = new java.util.Random(1);
            List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3, 4));
            for (int round = -5; round < ROUNDS; round++) { // 5 warm-up rounds
                // A fresh order every round, so that warm-up and drift do not favour one class.
                java.util.Collections.shuffle(order, shuffle);
                for (int k : order) {
                    long start = System.nanoTime();
                    for (String probe : probes.get(k)) {
                        sink += manager.find(probe).isPresent() ? 1 : 0;
                    }
                    long elapsed = System.nanoTime() - start;
                    if (round >= 0) {
                        nanosPerLookup[k][round] = elapsed / PER_ROUND;
                    }
                }
            }
            System.out.println("find() of an unknown id, in-process store, " + ROUNDS + " rounds x " + PER_ROUND
                    + " lookups (sink " + sink + ")");
            System.out.println("shared prefix  median ns/lookup  p10  p90");
            for (int k = 0; k < SHARED.length; k++) {
                long[] v = nanosPerLookup[k].clone();
                Arrays.sort(v);
                System.out.printf(
                        "%13d  %16d  %4d  %4d%n", SHARED[k], v[ROUNDS / 2], v[ROUNDS / 10], v[ROUNDS * 9 / 10]);
            }
        }
    }
}

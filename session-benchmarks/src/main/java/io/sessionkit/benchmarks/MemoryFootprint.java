package io.sessionkit.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.sessionkit.Session;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/** Retained heap per stored session in the Caffeine store and per entry in a raw Caffeine cache (README "Servers"). */
public final class MemoryFootprint {
    private MemoryFootprint() {}

    record Report(
            String generated,
            int sessions,
            int attributeJsonBytes,
            long storeBytesPerSession,
            long rawCaffeineBytesPerEntry,
            List<String> vm) {}

    public static void main(String[] args) throws Exception {
        // Caffeine's lambdas are hidden classes, whose field offsets Unsafe refuses: JOL then finds them by probing.
        System.setProperty("jol.magicFieldOffset", "true");
        Options o = Options.parse(args, "out");
        int sessions = 20_000;
        Payload payload = Payload.ofSize(1024);

        Cache<String, String> cache = Caffeine.newBuilder()
                .maximumSize(sessions * 2L)
                .expireAfterWrite(Duration.ofHours(2))
                .build();
        long rawBefore = GraphLayout.parseInstance(cache).totalSize();
        Random random = new Random(7);
        byte[] key = new byte[32];
        for (int i = 0; i < sessions; i++) {
            random.nextBytes(key);
            // A copy per entry, as each stored session has its own text.
            cache.put(
                    Base64.getUrlEncoder().withoutPadding().encodeToString(key),
                    new String(payload.json().toCharArray()));
        }
        cache.cleanUp();
        double raw = (GraphLayout.parseInstance(cache).totalSize() - rawBefore) / (double) sessions;

        double store;
        try (SessionStore sessionStore = SessionStores.open(SessionKitConfig.of(Map.of(
                        "sessionkit.store",
                        "local",
                        "sessionkit.local.maximum-size",
                        Integer.toString(sessions * 2))));
                SessionManager manager = SessionManager.builder(sessionStore)
                        .expiryPolicy(SessionBenchmark.LONG)
                        .build()) {
            long before = 0;
            for (int i = 0; i <= sessions; i++) {
                Session s = manager.create();
                payload.applyTo(s);
                manager.save(s);
                if (i == 0) { // after one session: the store's lazily built parts are not session memory
                    before = GraphLayout.parseInstance(sessionStore).totalSize();
                }
            }
            store = (GraphLayout.parseInstance(sessionStore).totalSize() - before) / (double) sessions;
        }

        List<String> vm = VM.current()
                .details()
                .lines()
                .filter(l -> l.contains("(oops)") || l.contains("alignment"))
                .map(l -> l.replaceFirst("^# ", ""))
                .toList();
        Report report = new Report(
                Instant.now().toString(), sessions, payload.json().length(), Math.round(store), Math.round(raw), vm);
        File out = new File(o.get("out", "target/memory.json"));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out, report);
        System.out.printf(
                "[memory] %d sessions of %d B JSON: store %.0f B/session, raw Caffeine %.0f B/entry -> %s%n",
                sessions, payload.json().length(), store, raw, out);
    }
}

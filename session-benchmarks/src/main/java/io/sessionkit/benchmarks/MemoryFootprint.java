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
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Retained heap per stored session in the in-process Caffeine store: heap in use after a full GC, before and after
 * inserting {@code --sessions} sessions of {@code --size} bytes of attribute JSON through {@link SessionManager}, divided
 * by the count. The same for a raw {@code Cache<String, String>} holding the same JSON under 43-character keys, so the
 * store's overhead per session (record, metadata, index) is the difference. Run it alone in its JVM with a serial
 * collector for the steadiest figure: {@code java -XX:+UseSerialGC -Xmx1g -cp benchmarks.jar
 * io.sessionkit.benchmarks.MemoryFootprint}.
 */
public final class MemoryFootprint {
    private MemoryFootprint() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of("target", "memory.json");
        int sessions = 20_000;
        int size = 1024;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--sessions" -> sessions = Integer.parseInt(args[++i]);
                case "--size" -> size = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Payload payload = Payload.ofSize(size);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

        // Both stay reachable until the end: whatever one of them frees late cannot shrink the other's figure.
        double raw;
        double store;
        Cache<String, String> cache = Caffeine.newBuilder().maximumSize(sessions * 2L).expireAfterWrite(Duration.ofHours(2)).build();
        try (SessionStore sessionStore = SessionStores.open(SessionKitConfig.of(Map.of("sessionkit.store", "local",
                "sessionkit.local.maximum-size", Integer.toString(sessions * 2))));
             SessionManager manager = SessionManager.builder(sessionStore).expiryPolicy(SessionBenchmark.LONG).build()) {
            // Warm every code path once, so that class loading and lazy singletons do not count as session memory.
            for (int i = 0; i < 100; i++) {
                Session s = manager.create();
                payload.applyTo(s);
                manager.save(s);
                manager.invalidate(s);
            }
            long start = usedAfterGc(memory);
            Random random = new Random(7);
            byte[] key = new byte[32];
            for (int i = 0; i < sessions; i++) {
                random.nextBytes(key);
                // A copy per entry, as each stored session has its own text.
                cache.put(Base64.getUrlEncoder().withoutPadding().encodeToString(key), new String(payload.json().toCharArray()));
            }
            cache.cleanUp();
            long middle = usedAfterGc(memory);
            for (int i = 0; i < sessions; i++) {
                Session s = manager.create();
                payload.applyTo(s);
                manager.save(s);
            }
            long end = usedAfterGc(memory);
            raw = (middle - start) / (double) sessions;
            store = (end - middle) / (double) sessions;
            Reference.reachabilityFence(cache);
            Reference.reachabilityFence(sessionStore);
        }

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("generated", Instant.now().toString());
        report.put("sessions", sessions);
        report.put("attributeJsonBytes", size);
        report.put("storeBytesPerSession", Math.round(store));
        report.put("rawCaffeineBytesPerEntry", Math.round(raw));
        report.put("gc", ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
        report.put("maxHeap", Runtime.getRuntime().maxMemory());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
        System.out.printf("[memory] %d sessions of %d B JSON: store %.0f B/session, raw Caffeine %.0f B/entry -> %s%n",
                sessions, size, store, raw, out);
    }

    /** Heap in use once repeated full collections stop freeing anything. */
    static long usedAfterGc(MemoryMXBean memory) {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            try {
                Thread.sleep(50); // lets the requested GC finish; measures heap, no timing depends on it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long used = memory.getHeapMemoryUsage().getUsed();
            if (i >= 2 && Math.abs(last - used) < 16 * 1024) {
                return used;
            }
            last = used;
        }
        return last;
    }
}

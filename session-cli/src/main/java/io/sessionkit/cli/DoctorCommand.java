package io.sessionkit.cli;

import io.sessionkit.ScanPage;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.StoreFeature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;

@Command(
        name = "doctor",
        description = {
            "Check the configured store: it opens and answers (connectivity), its records read back (schema),",
            "its features, and the clock skew between this host and the store's server where the store can tell",
            "(Redis TIME, PostgreSQL and MariaDB/MySQL now()). Exit 1 if a check fails, 3 if the store is down."
        })
final class DoctorCommand extends StoreCommand {
    /** The skew beyond which sessions may expire early or late on some node: the stores' default expiry grace. */
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(60);

    private record Check(String name, boolean ok, String detail) {}

    @Override
    public Integer call() {
        SessionKitConfig config = Configs.global(options());
        List<Check> checks = new ArrayList<>();
        Map<String, Object> report = new LinkedHashMap<>();
        String name = Configs.storeName(config);
        report.put("store", name);
        int code = SessionKitCli.OK;
        @Nullable SessionStore store = null;
        try {
            long t0 = System.nanoTime();
            store = open(config);
            checks.add(new Check("connect", true, "opened " + store.getClass().getSimpleName() + " in " + ms(t0)));
            t0 = System.nanoTime();
            store.ping();
            checks.add(new Check("ping", true, "answered in " + ms(t0)));
            TreeSet<String> features = new TreeSet<>();
            store.features().forEach(f -> features.add(f.name()));
            report.put("features", List.copyOf(features));
            checks.add(new Check("features", true, features.isEmpty() ? "none" : String.join(", ", features)));
            checks.add(schema(store));
            checks.add(clock(name, config));
        } catch (SessionStoreUnavailableException e) {
            String message = SessionKitCli.withoutClassNames(String.valueOf(e.getMessage()))
                    .replace('\n', ' ');
            checks.add(new Check(store == null ? "connect" : "ping", false, message));
            err().println("sessionkit: store unavailable: " + message);
            err().flush();
            code = SessionKitCli.UNAVAILABLE;
        } finally {
            if (store != null) {
                store.close();
            }
        }
        if (code == SessionKitCli.OK && checks.stream().anyMatch(c -> !c.ok())) {
            code = SessionKitCli.PROBLEM;
        }
        if (json()) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Check c : checks) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", c.name());
                m.put("ok", c.ok());
                m.put("detail", c.detail());
                list.add(m);
            }
            report.put("checks", list);
            report.put("ok", code == SessionKitCli.OK);
            printJson(report);
        } else {
            out().println("store     " + (name == null ? "(the only one on the class path)" : name));
            for (Check c : checks) {
                out().printf("%-9s %-4s %s%n", c.name(), c.ok() ? "ok" : "FAIL", c.detail());
            }
            out().flush();
        }
        return code;
    }

    /** Records read back: a first scan page where the store can scan, else a load (the ping's). */
    private static Check schema(SessionStore store) {
        if (!store.features().contains(StoreFeature.SCAN)) {
            return new Check("schema", true, "a read works (no SCAN: records not sampled)");
        }
        try {
            ScanPage page = store.scan(null, 20);
            return new Check("schema", true, "read " + page.records().size() + " records back");
        } catch (SessionStoreUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            return new Check("schema", false, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Check clock(@Nullable String store, SessionKitConfig config) {
        Optional<ClockSkew.Measurement> m;
        String prefix = "sessionkit." + store + ".";
        try {
            m = ClockSkew.measure(store, config);
        } catch (RuntimeException e) {
            return new Check("clock", false, "could not ask the server's time: " + e.getMessage());
        }
        if (m.isEmpty()) {
            return new Check("clock", true, "not measured: this store does not tell its server's time");
        }
        long skew = m.get().skewMillis();
        Duration grace = config.duration(prefix + "expiry-grace", DEFAULT_GRACE);
        // Fails only a skew the measurement proves: beyond the grace by more than the measurement's own uncertainty
        // (with a grace of 0 s, a server on this very host measures a few ms either way).
        boolean ok = Math.abs(skew) <= grace.toMillis() + m.get().uncertaintyMillis();
        String sign = skew >= 0 ? "ahead of" : "behind";
        String detail = "server " + Math.abs(skew) + " ms " + sign + " this host (+/- "
                + m.get().uncertaintyMillis() + " ms)"
                + (ok ? "" : "; more than the expiry grace " + grace.toMillis() + " ms: run NTP");
        return new Check("clock", ok, detail);
    }

    private static String ms(long start) {
        return (System.nanoTime() - start) / 1_000_000 + " ms";
    }
}

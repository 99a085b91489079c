package io.sessionkit.reliability;

import io.sessionkit.Session;
import io.sessionkit.SessionManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The request mix of the fault suites, over sessions that each hold a counter {@code n}: find 50 %, update of the
 * counter 40 %, find + save 10 %, on a random session. It counts each session's increments the client saw succeed and
 * those whose request failed (the write may or may not have reached the server), and checks afterwards that every
 * counter lies between the two: nothing acknowledged lost, nothing applied that was never sent.
 */
final class CounterSessions {
    private final String[] ids;
    private final AtomicLongArray acknowledged;
    private final AtomicLongArray inDoubt;

    private CounterSessions(String[] ids) {
        this.ids = ids;
        this.acknowledged = new AtomicLongArray(ids.length);
        this.inDoubt = new AtomicLongArray(ids.length);
    }

    /** {@code count} new sessions with {@code n = 0}, saved through {@code manager}. */
    static CounterSessions create(SessionManager manager, int count) {
        String[] ids = new String[count];
        for (int i = 0; i < count; i++) {
            Session s = manager.create();
            s.setAttribute("n", 0);
            manager.save(s);
            ids[i] = s.id().value();
        }
        return new CounterSessions(ids);
    }

    /** One request on a random session; a failure propagates as the manager threw it. */
    void request(SessionManager manager, ThreadLocalRandom random) {
        int i = random.nextInt(ids.length);
        int op = random.nextInt(10);
        if (op < 5) {
            manager.find(ids[i]);
        } else if (op < 9) {
            try {
                if (manager.update(ids[i], s -> s.setAttribute("n", ((Number) s.getAttribute("n")).longValue() + 1))
                        .isPresent()) {
                    acknowledged.incrementAndGet(i);
                }
            } catch (RuntimeException e) {
                // The replace may have reached the server before the failure: the increment may or may not be stored.
                inDoubt.incrementAndGet(i);
                throw e;
            }
        } else {
            Optional<Session> s = manager.find(ids[i]);
            if (s.isPresent()) {
                s.get().setAttribute("seen", System.nanoTime());
                manager.save(s.get());
            }
        }
    }

    /** What {@code manager} (on the same data) finds now: sessions gone, and counters outside their bounds. */
    Check check(SessionManager manager) {
        int lost = 0;
        long acked = 0;
        long doubt = 0;
        List<String> countersOff = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            acked += acknowledged.get(i);
            doubt += inDoubt.get(i);
            Optional<Session> s = manager.find(ids[i]);
            if (s.isEmpty()) {
                lost++;
                continue;
            }
            long n = ((Number) s.get().getAttribute("n")).longValue();
            if (n < acknowledged.get(i) || n > acknowledged.get(i) + inDoubt.get(i)) {
                countersOff.add("session " + i + ": stored " + n + ", acknowledged " + acknowledged.get(i)
                        + ", in doubt " + inDoubt.get(i));
            }
        }
        return new Check(lost, List.copyOf(countersOff), acked, doubt);
    }

    /** The outcome of {@link #check}: sessions lost, counters off, and the increments acknowledged and in doubt. */
    record Check(int lost, List<String> countersOff, long acknowledged, long inDoubt) {}
}

package io.sessionkit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.sessionkit.SessionId;
import io.sessionkit.SessionStore;
import io.sessionkit.caffeine.CaffeineSessionStore;
import io.sessionkit.tck.MutableClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The binding on the in-process Caffeine store, which can count its sessions: the size gauge too. */
class CaffeineMetricsBindingTest extends MetricsBindingContract {
    @Override
    SessionStore newStore(MutableClock clock) {
        return CaffeineSessionStore.builder().clock(clock).build();
    }

    @Override
    void configure(SessionKitMetrics.Builder builder) {
        builder.storeSize(((CaffeineSessionStore) store)::estimatedSize);
    }

    @Test
    @DisplayName("sessionkit.store.size follows the local store's own count")
    void storeSizeGauge() {
        Gauge size = meters.get("sessionkit.store.size").tag("store", STORE).gauge();
        assertThat(size.getId().getBaseUnit()).isEqualTo("sessions");
        CaffeineSessionStore caffeine = (CaffeineSessionStore) store;
        double before = size.value();
        assertThat(before).isEqualTo((double) caffeine.estimatedSize());
        caffeine.create(record(SessionId.generate(), "{}"));
        assertThat(size.value()).isEqualTo(before + 1);
    }
}

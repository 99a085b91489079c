package io.sessionkit.boot;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;

/**
 * A connection the application already has that a SessionKit store can use: its {@code DataSource} (jdbc), its
 * {@code MongoClient} (mongo), its {@code spring.data.redis.*} settings (redis). One bean per backend that is on the
 * class path and finds its connection; {@link StoreSelection} infers the store from them when {@code sessionkit.store}
 * is unset.
 */
interface AppConnection {
    /** The store name ({@code sessionkit.store} value) this connection is for. */
    String store();

    /** What was found, for messages: {@code "the DataSource bean 'dataSource'"}. */
    String description();

    /** Whether the {@code sessionkit.<store>.*} keys name a connection of the store's own, which then wins. */
    boolean overriddenBy(SessionKitConfig config);

    /** Opens the store on this connection, reading the other {@code sessionkit.<store>.*} keys of {@code config}. */
    SessionStore open(SessionKitConfig config);
}

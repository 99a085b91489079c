package io.sessionkit.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.transcoders.SerializingTranscoder;
import org.jspecify.annotations.Nullable;

/**
 * Raw spymemcached with the store's connection settings (binary protocol, Ketama, 500 ms operation timeout) and the
 * text as its bytes (no compression, no serialization): get; gets + cas; add; get + add + delete.
 */
final class RawMemcached extends RawClient<CASValue<Object>> {
    private final MemcachedClient client;
    private final int ttlSeconds;

    RawMemcached(String servers, int ttlSeconds) {
        super("raw memcached");
        this.ttlSeconds = ttlSeconds;
        // Strings go out as their UTF-8 bytes, flags 0; with this threshold they are never compressed.
        SerializingTranscoder text = new SerializingTranscoder();
        text.setCompressionThreshold(Integer.MAX_VALUE);
        try {
            this.client = new MemcachedClient(
                    new ConnectionFactoryBuilder()
                            .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                            .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
                            .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
                            .setFailureMode(FailureMode.Cancel)
                            .setOpTimeout(500)
                            .setTranscoder(text)
                            .setDaemon(true)
                            .build(),
                    AddrUtil.getAddresses(servers));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The client connects in the background; wait for it so the first measured call does not fail.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (client.getAvailableServers().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    /** A plain get where no cas follows (read-only, rotation): gets only for the modifying request. */
    @Override
    String read(String key) {
        String v = (String) client.get(key);
        if (v == null) {
            throw new IllegalStateException("raw memcached: key vanished");
        }
        return v;
    }

    @Override
    @Nullable
    CASValue<Object> find(String key) {
        return client.gets(key);
    }

    @Override
    String text(CASValue<Object> found) {
        return (String) found.getValue();
    }

    @Override
    boolean replace(String key, CASValue<Object> found, String value) {
        return client.cas(key, found.getCas(), ttlSeconds, value) == CASResponse.OK;
    }

    @Override
    boolean insert(String key, String value) {
        return await(client.add(key, ttlSeconds, value));
    }

    @Override
    void delete(String key) {
        await(client.delete(key));
    }

    private static boolean await(OperationFuture<Boolean> f) {
        try {
            return f.get(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("raw memcached: " + e, e);
        }
    }

    @Override
    public void close() {
        client.shutdown(2, TimeUnit.SECONDS);
    }
}

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

/**
 * Raw spymemcached with the store's connection settings (binary protocol, Ketama, 500 ms operation timeout) and the
 * text as its bytes (no compression, no serialization): get; gets + cas; add; get + add + delete.
 */
final class RawMemcached implements RawClient {
    private final MemcachedClient client;
    private final int ttlSeconds;

    RawMemcached(String servers, int ttlSeconds) {
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

    @Override
    public void seed(String key, String value) {
        await(client.set(key, ttlSeconds, value));
    }

    @Override
    public String read(String key) {
        return required(key);
    }

    @Override
    public void modify(String key, String value) {
        CASValue<Object> current = client.gets(key);
        if (current == null) {
            throw new IllegalStateException("raw memcached: key vanished");
        }
        if (client.cas(key, current.getCas(), ttlSeconds, value) != CASResponse.OK) {
            throw new IllegalStateException("raw memcached: cas failed");
        }
    }

    @Override
    public void create(String key, String value) {
        if (!await(client.add(key, ttlSeconds, value))) {
            throw new IllegalStateException("raw memcached: key taken");
        }
    }

    @Override
    public void rotate(String oldKey, String newKey) {
        if (!await(client.add(newKey, ttlSeconds, required(oldKey)))) {
            throw new IllegalStateException("raw memcached: key taken");
        }
        await(client.delete(oldKey));
    }

    @Override
    public void delete(String key) {
        await(client.delete(key));
    }

    private String required(String key) {
        String v = (String) client.get(key);
        if (v == null) {
            throw new IllegalStateException("raw memcached: key vanished");
        }
        return v;
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

package io.sessionkit.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.CachedData;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.transcoders.Transcoder;

/**
 * Raw spymemcached with the store's connection settings (binary protocol, Ketama, 500 ms operation timeout) and the
 * bytes as they are (no compression, no serialization): get; gets + cas; add; get + add + delete.
 */
final class RawMemcached implements RawClient {
    private static final Transcoder<byte[]> BYTES = new Transcoder<>() {
        @Override
        public boolean asyncDecode(CachedData d) {
            return false;
        }

        @Override
        public CachedData encode(byte[] o) {
            return new CachedData(0, o, getMaxSize());
        }

        @Override
        public byte[] decode(CachedData d) {
            return d.getData();
        }

        @Override
        public int getMaxSize() {
            return CachedData.MAX_SIZE;
        }
    };

    private final MemcachedClient client;
    private final int ttlSeconds;

    RawMemcached(String servers, int ttlSeconds) {
        this.ttlSeconds = ttlSeconds;
        try {
            this.client = new MemcachedClient(new ConnectionFactoryBuilder()
                    .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                    .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
                    .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
                    .setFailureMode(FailureMode.Cancel)
                    .setOpTimeout(500)
                    .setDaemon(true)
                    .build(), AddrUtil.getAddresses(servers));
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
        await(client.set(key, ttlSeconds, bytes(value), BYTES));
    }

    @Override
    public String read(String key) {
        return new String(required(key), StandardCharsets.UTF_8);
    }

    @Override
    public void modify(String key, String value) {
        CASValue<byte[]> current = client.gets(key, BYTES);
        if (current == null) {
            throw new IllegalStateException("raw memcached: key vanished");
        }
        if (client.cas(key, current.getCas(), ttlSeconds, bytes(value), BYTES) != CASResponse.OK) {
            throw new IllegalStateException("raw memcached: cas failed");
        }
    }

    @Override
    public void create(String key, String value) {
        if (!await(client.add(key, ttlSeconds, bytes(value), BYTES))) {
            throw new IllegalStateException("raw memcached: key taken");
        }
    }

    @Override
    public void rotate(String oldKey, String newKey) {
        if (!await(client.add(newKey, ttlSeconds, required(oldKey), BYTES))) {
            throw new IllegalStateException("raw memcached: key taken");
        }
        await(client.delete(oldKey));
    }

    @Override
    public void delete(String key) {
        await(client.delete(key));
    }

    private byte[] required(String key) {
        byte[] v = client.get(key, BYTES);
        if (v == null) {
            throw new IllegalStateException("raw memcached: key vanished");
        }
        return v;
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
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

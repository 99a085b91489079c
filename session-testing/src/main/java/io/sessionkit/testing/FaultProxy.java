package io.sessionkit.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a free loopback port that forwards every connection to one target and injects network faults at run
 * time, for tests of what a client does when the network between it and its server misbehaves. It stands in for
 * {@code tc netem} where the kernel has no {@code sch_netem} (the build machine's 6.18 kernel has none, and no
 * modules to load).
 *
 * <p>Each accepted connection gets its own connection to the target and four daemon threads: per direction, one reads
 * chunks (what one {@code read} returns, at most 16 KiB) into a bounded queue, one writes them out in order when they
 * are due. Faults act on chunks, never on bytes: TCP never loses or reorders bytes, only delays them, so that is all
 * the proxy does, apart from the partition and the half-open connection, which stop a stream altogether.
 *
 * <ul>
 *   <li>{@link #latency}: every chunk is delayed by the given one-way time, in each direction, in order; throughput is
 *       not limited (chunks in flight overlap, as packets on a long link do).
 *   <li>{@link #loss}: with the given probability a chunk is held for a retransmission-like stall, uniform in
 *       {@link #LOSS_STALL_MIN}..{@link #LOSS_STALL_MAX}, and everything behind it on that stream waits (head-of-line
 *       blocking). That is the effect packet loss has on one TCP stream: the segment is retransmitted after the
 *       retransmission timeout (Linux: at least 200 ms, doubling on each further loss), nothing is lost. Connections
 *       are never reset: loss alone does not reset TCP connections; {@link #halfOpen} covers a peer that is gone.
 *   <li>{@link #partition}: nothing crosses in either direction, on open connections and on new ones (accepted, then
 *       black-holed: a client's connect succeeds and then hears nothing), until {@link #heal}; then what was held is
 *       delivered in order, as TCP's retransmissions would deliver it, FINs included.
 *   <li>{@link #halfOpen}: the peer of every open connection vanishes without FIN or RST: what either side sends is
 *       dropped, and neither socket is closed until {@link #close} (the client must notice through its own timeouts;
 *       the server keeps its end, as a server whose client host died does). Connections made afterwards work.
 * </ul>
 *
 * Bounded: at most {@link #MAX_CONNECTIONS} open connections (more are closed at once), at most 256 chunks queued per
 * direction (then the reader stops reading and TCP's own flow control holds the sender). {@link #close} closes every
 * socket and ends every thread. Not a load generator and not a packet-level emulator: no bandwidth limit, no
 * duplication, no corruption, IPv4 loopback only.
 */
public final class FaultProxy implements AutoCloseable {
    /** The shortest stall of a chunk "lost" by {@link #loss}: Linux's minimum retransmission timeout. */
    public static final Duration LOSS_STALL_MIN = Duration.ofMillis(200);
    /** The longest stall of a chunk "lost" by {@link #loss}: a retransmission lost again, and once more. */
    public static final Duration LOSS_STALL_MAX = Duration.ofSeconds(1);
    /** The most connections open at once; a connection beyond it is closed as soon as it is accepted. */
    public static final int MAX_CONNECTIONS = 512;

    private static final int CHUNK = 16 * 1024;
    private static final int QUEUE = 256;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final String name;
    /** Guards the partition flag; writers wait on it while partitioned. */
    private final Object gate = new Object();

    private volatile long latencyNanos;
    private volatile double lossProbability;
    private boolean partitioned; // guarded by gate
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress target) {
        this.target = target;
        this.name = "fault-proxy-" + SEQUENCE.incrementAndGet();
        try {
            this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on a loopback port", e);
        }
        acceptor = new Thread(this::acceptLoop, name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy to {@code target}, listening on a free loopback port, forwarding faithfully until told otherwise. */
    public static FaultProxy start(InetSocketAddress target) {
        return new FaultProxy(requireNonNull(target, "target"));
    }

    /** A proxy to {@code host:port}. */
    public static FaultProxy start(String host, int port) {
        return start(new InetSocketAddress(requireNonNull(host, "host"), port));
    }

    /** The loopback port clients connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** The loopback address clients connect to, as {@code host}. */
    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    /** {@code host:port} of the proxy, for a client's configuration. */
    public String hostAndPort() {
        return host() + ":" + port();
    }

    /** Where every connection is forwarded. */
    public InetSocketAddress target() {
        return target;
    }

    /** Delays every chunk by {@code oneWay} in each direction from now on ({@link Duration#ZERO}: none). */
    public void latency(Duration oneWay) {
        if (oneWay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + oneWay);
        }
        latencyNanos = oneWay.toNanos();
    }

    /**
     * Holds each chunk with probability {@code probability} for a stall between {@link #LOSS_STALL_MIN} and
     * {@link #LOSS_STALL_MAX} from now on (0: none). Models the effect of that packet loss rate on a TCP stream.
     */
    public void loss(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("loss probability must be in [0, 1]: " + probability);
        }
        lossProbability = probability;
    }

    /** Stops all forwarding, both directions, open and new connections, until {@link #heal}. Sockets stay open. */
    public void partition() {
        synchronized (gate) {
            partitioned = true;
        }
    }

    /** Ends a {@link #partition}: what was held is delivered, in order. */
    public void heal() {
        synchronized (gate) {
            partitioned = false;
            gate.notifyAll();
        }
    }

    /** No latency, no loss, no partition. Connections made half-open stay so. */
    public void clear() {
        latency(Duration.ZERO);
        loss(0);
        heal();
    }

    /**
     * The peer of every connection open now vanishes without FIN: nothing more is forwarded on them in either
     * direction, ever, and they stay open until {@link #close}. New connections are not affected.
     *
     * @return how many connections were cut
     */
    public int halfOpen() {
        int n = 0;
        for (Link link : links) {
            if (link.vanish()) {
                n++;
            }
        }
        return n;
    }

    /** Connections accepted since the start (including those beyond {@link #MAX_CONNECTIONS}, closed at once). */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /** Connections closed at once because {@link #MAX_CONNECTIONS} were open. */
    public long connectionsRefused() {
        return refused.get();
    }

    /** Connections open now (half-open ones included). */
    public int openConnections() {
        return links.size();
    }

    /** Stops listening, closes every socket (half-open ones included) and ends every thread. Idempotent. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        // The JDK closes a listening socket that a thread is blocked accepting on only once that thread has left
        // accept(): until then the port still accepts. Wait for it, so the port is shut when close() returns.
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Link link : links) {
            link.close();
        }
        links.clear();
        heal(); // wakes writers waiting for the partition to end, which then see the closed sockets
    }

    @Override
    public String toString() {
        return name + " " + hostAndPort() + " -> " + target.getHostString() + ":" + target.getPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    System.out.println("[" + name + "] accept failed, proxy stops: " + e);
                }
                return;
            }
            accepted.incrementAndGet();
            if (links.size() >= MAX_CONNECTIONS || closed) {
                refused.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 5_000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
            } catch (IOException e) {
                // The target itself refuses: the client sees its connection closed, as it would without the proxy.
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            Link link = new Link(client, upstream, accepted.get());
            links.add(link);
            if (closed) {
                link.close();
            } else {
                link.start();
            }
        }
    }

    /** Waits while partitioned; false when the proxy closed meanwhile. */
    private boolean awaitOpenNetwork() throws InterruptedException {
        synchronized (gate) {
            while (partitioned && !closed) {
                gate.wait();
            }
        }
        return !closed;
    }

    private long delayOfNextChunk() {
        long delay = latencyNanos;
        double p = lossProbability;
        if (p > 0 && ThreadLocalRandom.current().nextDouble() < p) {
            delay += ThreadLocalRandom.current().nextLong(LOSS_STALL_MIN.toNanos(), LOSS_STALL_MAX.toNanos() + 1);
        }
        return delay;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing: nothing left to do with it
        }
    }

    /** A chunk of one stream and when it is due; an empty chunk stands for the end of the stream (FIN). */
    private static final class Chunk {
        final byte[] bytes;
        final long dueNanos;

        Chunk(byte[] bytes, long dueNanos) {
            this.bytes = bytes;
            this.dueNanos = dueNanos;
        }
    }

    /** One proxied connection: the client's socket, the one to the target, and a pipe each way. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;
        private final Pipe toTarget;
        private final Pipe toClient;
        private volatile boolean vanished;
        private final AtomicInteger pipesDone = new AtomicInteger();

        Link(Socket client, Socket upstream, long number) {
            this.client = client;
            this.upstream = upstream;
            this.toTarget = new Pipe(this, client, upstream, name + "-" + number + "-up");
            this.toClient = new Pipe(this, upstream, client, name + "-" + number + "-down");
        }

        void start() {
            toTarget.start();
            toClient.start();
        }

        /** True when this call made the link half-open. */
        boolean vanish() {
            if (vanished) {
                return false;
            }
            vanished = true;
            toTarget.queue.clear();
            toClient.queue.clear();
            return true;
        }

        boolean vanished() {
            return vanished;
        }

        /** One direction ended cleanly; when both have, the connection is over. */
        void pipeDone() {
            if (pipesDone.incrementAndGet() == 2) {
                close();
            }
        }

        void close() {
            links.remove(this);
            closeQuietly(client);
            closeQuietly(upstream);
            toTarget.stop();
            toClient.stop();
        }
    }

    /** One direction of a link: a reader filling a bounded queue and a writer emptying it when chunks are due. */
    private final class Pipe {
        private final Link link;
        private final Socket from;
        private final Socket to;
        final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE);
        private final Thread reader;
        private final Thread writer;

        Pipe(Link link, Socket from, Socket to, String threadName) {
            this.link = link;
            this.from = from;
            this.to = to;
            this.reader = new Thread(null, this::read, threadName + "-read", 256 * 1024);
            this.writer = new Thread(null, this::write, threadName + "-write", 256 * 1024);
            reader.setDaemon(true);
            writer.setDaemon(true);
        }

        void start() {
            reader.start();
            writer.start();
        }

        void stop() {
            reader.interrupt();
            writer.interrupt();
        }

        private void read() {
            byte[] buffer = new byte[CHUNK];
            try {
                // Not closed here: closing a socket's stream closes the socket, and the other direction may go on.
                InputStream in = from.getInputStream();
                while (true) {
                    int n = in.read(buffer);
                    if (link.vanished()) {
                        if (n < 0) {
                            return; // the side that is still there closed; its far end never hears of it
                        }
                        continue; // into the void
                    }
                    byte[] bytes = n < 0 ? new byte[0] : Arrays.copyOf(buffer, n);
                    queue.put(new Chunk(bytes, System.nanoTime() + delayOfNextChunk()));
                    if (n < 0) {
                        return;
                    }
                }
            } catch (IOException e) {
                // A reset or a closed socket: the whole connection goes, as a reset would take it.
                if (!link.vanished()) {
                    link.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void write() {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = queue.take();
                    long wait = chunk.dueNanos - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (!awaitOpenNetwork()) {
                        return;
                    }
                    if (link.vanished()) {
                        return; // nothing is ever delivered on a half-open connection again
                    }
                    if (chunk.bytes.length == 0) {
                        to.shutdownOutput();
                        link.pipeDone();
                        return;
                    }
                    out.write(chunk.bytes);
                    out.flush();
                }
            } catch (IOException e) {
                if (!link.vanished()) {
                    link.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package io.sessionkit.memcached;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The memcached the tests share, found in the order DESIGN.md gives: {@code SESSIONKIT_TEST_MEMCACHED}
 * ({@code host:port[,host:port]}), else a server at 127.0.0.1:11211, else one this JVM starts on a free port from the
 * local memcached binary (killed when the JVM exits), else a failure that says how to get one.
 */
final class MemcachedTestServers {
    private static String servers;
    private static MemcachedProcess own;

    private MemcachedTestServers() {
    }

    /** {@code host:port[,host:port]} of the shared test memcached. */
    static synchronized String servers() {
        if (servers != null) {
            return servers;
        }
        String env = System.getenv("SESSIONKIT_TEST_MEMCACHED");
        if (env != null && !env.isBlank()) {
            servers = env.trim();
            System.out.println("[memcached tests] using SESSIONKIT_TEST_MEMCACHED=" + servers);
            return servers;
        }
        if (MemcachedProcess.accepts(new InetSocketAddress("127.0.0.1", 11211), 500)) {
            servers = "127.0.0.1:11211";
            System.out.println("[memcached tests] using the memcached at 127.0.0.1:11211");
            return servers;
        }
        try {
            own = MemcachedProcess.startOnFreePort();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("No memcached for the tests: nothing listens on 127.0.0.1:11211 and none could be "
                    + "started (" + e.getMessage() + "). Start one (apt-get install -y memcached && memcached -u memcache -d) "
                    + "or set SESSIONKIT_TEST_MEMCACHED=host:port.", e);
        }
        servers = "127.0.0.1:" + own.port();
        System.out.println("[memcached tests] nothing listens on 127.0.0.1:11211; started our own memcached (pid " + own.pid()
                + ") on " + servers + "; it is killed when the tests end");
        return servers;
    }

    static List<InetSocketAddress> addresses() {
        return MemcachedSessionStore.parseServers(servers());
    }
}

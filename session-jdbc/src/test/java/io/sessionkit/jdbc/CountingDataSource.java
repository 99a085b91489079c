package io.sessionkit.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Forwards to a real DataSource and counts the statements prepared or created on its connections: each is one round
 * trip of the store's (it executes every statement it prepares once). Not a stand-in for the database: every call
 * reaches the real server.
 */
final class CountingDataSource {
    private final DataSource target;
    private final AtomicInteger statements = new AtomicInteger();

    CountingDataSource(DataSource target) {
        this.target = target;
    }

    DataSource dataSource() {
        return (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, forward(target, (method, result) -> {
                    if (method.equals("getConnection")) {
                        Connection c = (Connection) result;
                        return Proxy.newProxyInstance(
                                getClass().getClassLoader(), new Class<?>[] {Connection.class}, forward(c, (m, r) -> {
                                    if (m.equals("prepareStatement")
                                            || m.equals("createStatement")
                                            || m.equals("prepareCall")) {
                                        statements.incrementAndGet();
                                    }
                                    return r;
                                }));
                    }
                    return result;
                }));
    }

    /** Statements prepared or created since the last call, and resets the count. */
    int takeCount() {
        return statements.getAndSet(0);
    }

    private interface After {
        Object apply(String method, Object result);
    }

    private static InvocationHandler forward(Object target, After after) {
        return (proxy, method, args) -> {
            try {
                return after.apply(method.getName(), method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
    }
}

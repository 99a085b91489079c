package io.sessionkit.springsession;

import io.sessionkit.SessionManager;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Jetty on a free loopback port with {@code filter} in front of {@code servlet} at {@code /} of {@code context}; closing
 * it stops Jetty, then closes the manager the filter runs on. The nodes of this module's HTTP tests are built on it.
 */
final class JettyNode implements AutoCloseable {
    private final Server server = new Server();
    private final SessionManager manager;
    /** {@code http://127.0.0.1:<port>/}. */
    final URI base;

    JettyNode(ServletContextHandler context, Filter filter, Servlet servlet, SessionManager manager) throws Exception {
        this.manager = manager;
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        context.setContextPath("/");
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(servlet), "/*");
        server.setHandler(context);
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        } finally {
            manager.close();
        }
    }
}

package io.sessionkit.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContainerInitializer;
import java.net.URI;
import java.util.EnumSet;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ListenerHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.EmptyLoginService;
import org.eclipse.jetty.security.authentication.FormAuthenticator;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Embedded Jetty 12 (ee10), by default without a container session handler: only the filter can provide sessions.
 */
record JettyServer(Server server, URI base) implements WebServer {
    static WebServer start(Deployment d) {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("jetty-test");
        Server server = new Server(threads);
        // Honour X-Forwarded-Proto from the loopback client, as behind a TLS-terminating proxy: request.isSecure().
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new ForwardedRequestCustomizer());
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        Setup setup = d.setup();
        ServletContextHandler context = new ServletContextHandler(
                setup.containerSessions() ? ServletContextHandler.SESSIONS : ServletContextHandler.NO_SESSIONS);
        context.setContextPath(CONTEXT);
        d.contextAttributes().forEach(context::setAttribute);
        // What Jetty's descriptor and annotation processing do for <listener> and @WebListener.
        for (Class<? extends java.util.EventListener> listener : setup.declaredListeners()) {
            context.getServletHandler().addListener(new ListenerHolder(listener));
        }
        Consumer<jakarta.servlet.ServletContext> onStartup = setup.onStartup();
        if (onStartup != null) {
            ServletContainerInitializer sci = (classes, ctx) -> onStartup.accept(ctx);
            context.addServletContainerInitializer(sci);
        }
        if (setup.loginMethod() != null) {
            // What <login-config><auth-method> configures in Jetty.
            ConstraintSecurityHandler security = new ConstraintSecurityHandler();
            security.setAuthenticationType(setup.loginMethod());
            security.setLoginService(new EmptyLoginService());
            security.setParameter(FormAuthenticator.__FORM_LOGIN_PAGE, "/login.html");
            security.setParameter(FormAuthenticator.__FORM_ERROR_PAGE, "/login-error.html");
            context.setSecurityHandler(security);
        }
        FilterHolder holder = d.filter() != null ? new FilterHolder(d.filter()) : new FilterHolder(d.filterClass());
        holder.setName("sessionkit");
        holder.setAsyncSupported(true);
        d.initParams().forEach(holder::setInitParameter);
        context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder app = new ServletHolder("app", d.servlet());
        app.setAsyncSupported(true);
        context.addServlet(app, "/*");
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception stop) {
                e.addSuppressed(stop);
            }
            throw new IllegalStateException("Jetty did not start", e);
        }
        return new JettyServer(server, URI.create("http://127.0.0.1:" + connector.getLocalPort() + CONTEXT));
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        }
    }

    @Override
    public String toString() {
        return "Jetty " + Server.getVersion();
    }
}

package io.sessionkit.demo;

import io.sessionkit.SessionException;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.StoreFeature;
import io.sessionkit.servlet.SessionFilter;
import io.sessionkit.servlet.SessionFilterConfig;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Properties;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Starts the SessionKit demo shop: embedded Jetty with {@link SessionFilter} in front of a plain servlet application,
 * so that its {@code HttpSession} lives in a SessionKit store.
 *
 * <p>With no configuration the store is an H2 file database under {@code ./data} (relative to the working
 * directory), so stopping and starting the process keeps every cart. Any other backend is a configuration change:
 * {@code SESSIONKIT_STORE=redis|jdbc|memcached|mongo|local} plus that backend's keys, read by
 * {@link SessionKitConfig#fromEnvironment()}; system properties and environment variables override the defaults in
 * {@link #DEFAULTS}. Flags: {@code --port}, {@code --instance}, {@code --host} (or {@code PORT}, {@code INSTANCE},
 * {@code HOST}); see {@code --help}.
 *
 * <p>Once it listens it prints one line {@code listening on http://HOST:PORT/}; it stops cleanly on SIGINT/SIGTERM.
 * Exit status 2 for bad flags or configuration, 1 if the store or the port cannot be opened.
 *
 * <p>This is a demo: there are no passwords, and it binds to {@code 127.0.0.1} unless told otherwise.
 */
public final class DemoApp {
    /** The embedded default's JDBC URL. {@code AUTO_SERVER} lets a second instance on this machine share the file. */
    public static final String DEFAULT_JDBC_URL = "jdbc:h2:file:./data/sessions;AUTO_SERVER=TRUE";

    /** The configuration used for keys that neither system properties nor environment variables set. */
    public static final Map<String, String> DEFAULTS = Map.of(
            "sessionkit.store", "jdbc",
            "sessionkit.jdbc.url", DEFAULT_JDBC_URL,
            "sessionkit.jdbc.create-schema", "true");

    /** The largest form post accepted, so that a huge gift note reaches the session-size check instead of Jetty's. */
    static final int MAX_FORM_BYTES = 4 * 1024 * 1024;

    private final Server server;
    private final SessionManager manager;
    private final Instance instance;
    private final String url;

    private DemoApp(Server server, SessionManager manager, Instance instance, String url) {
        this.server = server;
        this.manager = manager;
        this.instance = instance;
        this.url = url;
    }

    public static void main(String[] args) {
        configureLogging();
        Options options;
        try {
            options = Options.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("session-demo: " + e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(Options.USAGE);
            return;
        }
        SessionKitConfig config = SessionKitConfig.fromEnvironment().orElse(SessionKitConfig.of(DEFAULTS));
        DemoApp app;
        try {
            app = start(options, config);
        } catch (IllegalArgumentException e) {
            System.err.println("session-demo: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        } catch (SessionException e) {
            System.err.println("session-demo: cannot open the session store '" + config.string("sessionkit.store", "?")
                    + "': " + e.getMessage());
            System.exit(1);
            return;
        } catch (IOException e) {
            System.err.println(
                    "session-demo: cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "session-demo-stop"));
        System.out.println("SessionKit demo \"" + app.instance.name() + "\" listening on " + app.url);
        System.out.println("  store: " + app.instance.store());
        System.out.println(
                "  stop with Ctrl-C; swap the store with SESSIONKIT_STORE=redis|jdbc|memcached|mongo|local (see --help)");
        System.out.flush();
        try {
            app.server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static DemoApp start(Options options, SessionKitConfig config) throws IOException {
        SessionFilterConfig filterConfig = SessionFilterConfig.from(config);
        // The panel's counters come from the event SPI: a listener (created, rotated, invalidated, expired) and an
        // observer (conflicts), both in place before the first request.
        SessionCounters counters = new SessionCounters();
        SessionManager manager =
                SessionManager.open(config, b -> b.listener(counters).observer(counters));
        try {
            Server server = new Server();
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(options.host());
            connector.setPort(options.port());
            server.addConnector(connector);
            // Bind first, so that with --port 0 the instance name and the panel know the real port.
            connector.open();
            int port = connector.getLocalPort();
            String name = options.instance() != null ? options.instance() : "instance-" + port;
            Instance instance = new Instance(
                    name,
                    port,
                    ProcessHandle.current().pid(),
                    StoreDescription.of(config, manager.store()),
                    manager.store().features().contains(StoreFeature.PRINCIPAL_INDEX),
                    manager.store().features().contains(StoreFeature.EXPIRY_EVENTS),
                    counters);

            ServletContextHandler context = new ServletContextHandler("/");
            context.setMaxFormContentSize(MAX_FORM_BYTES);
            context.addFilter(
                    new FilterHolder(new SessionFilter(manager, filterConfig)),
                    "/*",
                    EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new ServletHolder("shop", new ShopServlet(manager, instance)), "/");
            context.addServlet(new ServletHolder("error", new ErrorPageServlet(instance)), "/error");
            ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
            errors.addErrorPage(ErrorPageErrorHandler.GLOBAL_ERROR_PAGE, "/error");
            context.setErrorHandler(errors);
            server.setHandler(context);
            server.setStopTimeout(3000);
            server.start();
            String shownHost =
                    options.host().equals("127.0.0.1") || options.host().equals("0.0.0.0")
                            ? "localhost"
                            : options.host();
            return new DemoApp(server, manager, instance, "http://" + shownHost + ":" + port + "/");
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        } catch (Exception e) {
            manager.close();
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Stops Jetty, then closes the store (flushing the H2 file, closing pools). */
    void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("session-demo: stopping Jetty: " + e);
        } finally {
            manager.close();
            System.out.println("SessionKit demo \"" + instance.name() + "\" stopped");
            System.out.flush();
        }
    }

    /** Quiet, readable logs unless the user configured slf4j-simple already: logging-defaults.properties. */
    private static void configureLogging() {
        Properties defaults = new Properties();
        try (InputStream in = DemoApp.class.getResourceAsStream("logging-defaults.properties")) {
            if (in != null) {
                defaults.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        defaults.forEach(System.getProperties()::putIfAbsent);
    }
}

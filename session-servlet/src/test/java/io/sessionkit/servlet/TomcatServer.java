package io.sessionkit.servlet;

import jakarta.servlet.Filter;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.RemoteIpValve;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.util.descriptor.web.LoginConfig;

/** Embedded Tomcat (11, or 10.1 in session-servlet-tomcat10) with its own base directory in a temporary folder. */
record TomcatServer(Tomcat tomcat, Path baseDir, URI base) implements WebServer {
    static WebServer start(Deployment d) {
        Path baseDir;
        try {
            baseDir = Files.createTempDirectory("sessionkit-tomcat");
            Files.createDirectories(baseDir.resolve("webapp"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", "64");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext(CONTEXT, baseDir.resolve("webapp").toString());
        // Honour X-Forwarded-Proto from the loopback client, as behind a TLS-terminating proxy: request.isSecure().
        RemoteIpValve forwarded = new RemoteIpValve();
        forwarded.setProtocolHeader("X-Forwarded-Proto");
        forwarded.setInternalProxies("127\\.0\\.0\\.1");
        context.getPipeline().addValve(forwarded);
        FilterDef def = new FilterDef();
        def.setFilterName("sessionkit");
        def.setAsyncSupported("true");
        Filter filter = d.filter();
        if (filter != null) {
            def.setFilter(filter);
            def.setFilterClass(filter.getClass().getName());
        } else {
            def.setFilterClass(
                    Objects.requireNonNull(d.filterClass(), "filterClass").getName());
        }
        d.initParams().forEach(def::addInitParameter);
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("sessionkit");
        map.addURLPattern("/*");
        context.addFilterMap(map);
        d.contextAttributes().forEach(context.getServletContext()::setAttribute);
        WebServer.Setup setup = d.setup();
        // What Tomcat's ContextConfig does for <listener> in web.xml and for @WebListener classes.
        setup.declaredListeners().forEach(l -> context.addApplicationListener(l.getName()));
        java.util.function.Consumer<jakarta.servlet.ServletContext> onStartup = setup.onStartup();
        if (onStartup != null) {
            context.addServletContainerInitializer((classes, ctx) -> onStartup.accept(ctx), null);
        }
        if (setup.loginMethod() != null) {
            context.setLoginConfig(new LoginConfig(setup.loginMethod(), null, "/login.html", "/login-error.html"));
        }
        Tomcat.addServlet(context, "app", d.servlet()).setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "app");
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            stop(tomcat, baseDir);
            throw new IllegalStateException("Tomcat did not start", e);
        }
        return new TomcatServer(tomcat, baseDir, URI.create("http://127.0.0.1:" + connector.getLocalPort() + CONTEXT));
    }

    @Override
    public void close() {
        stop(tomcat, baseDir);
    }

    private static void stop(Tomcat tomcat, Path baseDir) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not stop", e);
        } finally {
            try (Stream<Path> files = Files.walk(baseDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temporary folder is harmless
            }
        }
    }

    @Override
    public String toString() {
        return "Tomcat " + org.apache.catalina.util.ServerInfo.getServerNumber();
    }
}

package io.sessionkit.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.EventListener;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** An embedded servlet container on a free loopback port, serving one servlet behind one filter at {@link #CONTEXT}. */
interface WebServer extends AutoCloseable {
    String CONTEXT = "/app";

    /** {@code http://127.0.0.1:port/app}. */
    URI base();

    default URI uri(String pathAndQuery) {
        return URI.create(base() + pathAndQuery);
    }

    @Override
    void close();

    /**
     * What a container serves: {@code filter}, or when it is null {@code filterClass} with init-params (web.xml
     * style), in front of {@code servlet}; {@code contextAttributes} are put into the servlet context before the
     * filter starts; {@code setup} is the rest of the web app's configuration.
     */
    record Deployment(
            @Nullable Filter filter,
            @Nullable Class<? extends Filter> filterClass,
            Map<String, String> initParams,
            Map<String, Object> contextAttributes,
            HttpServlet servlet,
            Setup setup) {
        Deployment(
                @Nullable Filter filter,
                @Nullable Class<? extends Filter> filterClass,
                Map<String, String> initParams,
                Map<String, Object> contextAttributes,
                HttpServlet servlet) {
            this(filter, filterClass, initParams, contextAttributes, servlet, Setup.NONE);
        }
    }

    /**
     * The web app's configuration besides the filter, registered the way the container would register what a
     * {@code web.xml}, annotations or Spring Boot declare.
     *
     * @param declaredListeners listeners declared by class, as {@code <listener>} in web.xml and {@code @WebListener}
     *                          become: Tomcat's {@code Context.addApplicationListener(className)}, Jetty's
     *                          {@code ServletHandler.addListener(ListenerHolder)}; the container instantiates them
     * @param onStartup         run by a {@code ServletContainerInitializer} while the context starts, where Spring
     *                          Boot's {@code ServletContextInitializer}s run ({@code addListener},
     *                          {@code getSessionCookieConfig()}, {@code setSessionTimeout}); null: none
     * @param containerSessions Jetty only: give the context a {@code SessionHandler}, as every Jetty web app and Spring
     *                          Boot have (without one, Jetty has no {@code SessionCookieConfig}); Tomcat always has one
     * @param loginMethod       a {@code <login-config>} auth method ({@code FORM}, {@code BASIC}); null: none
     */
    record Setup(
            List<Class<? extends EventListener>> declaredListeners,
            @Nullable Consumer<ServletContext> onStartup,
            boolean containerSessions,
            @Nullable String loginMethod) {
        static final Setup NONE = new Setup(List.of(), null, false, null);
    }

    /** Starts a container serving one {@link Deployment}. */
    @FunctionalInterface
    interface Factory {
        WebServer start(Deployment deployment);

        default WebServer start(
                @Nullable Filter filter,
                @Nullable Class<? extends Filter> filterClass,
                Map<String, String> initParams,
                HttpServlet servlet) {
            return start(new Deployment(filter, filterClass, initParams, Map.of(), servlet));
        }

        default WebServer start(Filter filter, HttpServlet servlet) {
            return start(new Deployment(filter, null, Map.of(), Map.of(), servlet));
        }
    }
}

package io.sessionkit.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.Map;
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
     * filter starts.
     */
    record Deployment(
            @Nullable Filter filter,
            @Nullable Class<? extends Filter> filterClass,
            Map<String, String> initParams,
            Map<String, Object> contextAttributes,
            HttpServlet servlet) {}

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

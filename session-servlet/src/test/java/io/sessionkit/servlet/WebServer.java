package io.sessionkit.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.Map;

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
     * Starts a container; {@code filterClass} with init-params is used when {@code filter} is null (web.xml style),
     * and {@code contextAttributes} are put into the servlet context before the filter starts.
     */
    @FunctionalInterface
    interface Factory {
        WebServer start(
                Filter filter,
                Class<? extends Filter> filterClass,
                Map<String, String> initParams,
                Map<String, Object> contextAttributes,
                HttpServlet servlet);

        default WebServer start(
                Filter filter,
                Class<? extends Filter> filterClass,
                Map<String, String> initParams,
                HttpServlet servlet) {
            return start(filter, filterClass, initParams, Map.of(), servlet);
        }

        default WebServer start(Filter filter, HttpServlet servlet) {
            return start(filter, null, Map.of(), Map.of(), servlet);
        }
    }
}

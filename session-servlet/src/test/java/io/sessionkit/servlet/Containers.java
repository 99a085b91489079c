package io.sessionkit.servlet;

/** The containers the filter is tested in; both run the whole contract suite. */
final class Containers {
    /** Jetty 12 (ee10). */
    static final WebServer.Factory JETTY = JettyServer::start;

    /** Tomcat 11. */
    static final WebServer.Factory TOMCAT = TomcatServer::start;

    private Containers() {}
}

package io.sessionkit.servlet;

import jakarta.servlet.ServletContext;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What SessionKit learns about the servlet container beyond the Servlet API, which has no way to list the application's
 * listeners nor its login method: where the container keeps the listeners it would call for its own sessions, and the
 * {@code <login-config>} auth method. Public container APIs only, reached by reflection (this module is compiled
 * against the Servlet API alone), never private fields:
 *
 * <ul>
 *   <li><b>Jetty 12</b> (ee10, ee11): {@code ServletContextHandler.getServletContextHandler(ServletContext)}, then
 *       {@code getEventListeners()} (every listener of the context, however it was registered) and
 *       {@code getSecurityHandler().getAuthenticationType()}.</li>
 *   <li><b>Tomcat 10.1 and 11</b>: the context attribute {@code org.apache.catalina.resources} (a
 *       {@code WebResourceRoot}), its {@code getContext()}, then {@code Context.getApplicationLifecycleListeners()}
 *       ({@code HttpSessionListener}s), {@code getApplicationEventListeners()} (id and attribute listeners) and
 *       {@code getLoginConfig().getAuthMethod()}.</li>
 * </ul>
 *
 * Any other container is {@link #known() unknown}: its listeners cannot be found, and the filter says so at startup.
 *
 * @param container  the container's name for log lines ({@code Jetty}, {@code Tomcat}, or the server info)
 * @param listeners  what the container holds now; null when unknown
 * @param authMethod the configured login method ({@code FORM}, {@code BASIC}…), or null when none or unknown
 */
record ContainerProbe(
        String container,
        @Nullable Supplier<List<?>> listeners,
        @Nullable String authMethod) {
    private static final Pattern JETTY_CONTEXT =
            Pattern.compile("org\\.eclipse\\.jetty\\.ee\\d+\\.servlet\\.ServletContextHandler\\$ServletContextApi");
    /** Tomcat's {@code Globals.RESOURCES_ATTR}: the context's {@code WebResourceRoot}, readable by the application. */
    static final String TOMCAT_RESOURCES_ATTRIBUTE = "org.apache.catalina.resources";

    /**
     * Login methods that keep the login in the container's own session (Jetty's OpenID, SIWE and multi-authenticator
     * too), which SessionKit sessions never are: the filter refuses to start with them.
     */
    static final Set<String> SESSION_LOGIN_METHODS = Set.of("FORM", "OPENID", "SIWE", "MULTI");

    /** Whether the listeners of this container can be found. */
    boolean known() {
        return listeners != null;
    }

    /** Whether the configured login method keeps its state in the container's own session. */
    boolean sessionBasedLogin() {
        return authMethod != null && SESSION_LOGIN_METHODS.contains(authMethod.toUpperCase(Locale.ROOT));
    }

    /**
     * Looks at {@code context}. Never fails: a container whose API is not as expected is reported unknown, with the
     * reason in {@code container}.
     */
    static ContainerProbe of(ServletContext context) {
        try {
            ContainerProbe jetty = jetty(context);
            if (jetty != null) {
                return jetty;
            }
            ContainerProbe tomcat = tomcat(context);
            if (tomcat != null) {
                return tomcat;
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return new ContainerProbe(
                    serverInfo(context) + " (its listener registry could not be read: " + e + ")", null, null);
        }
        return new ContainerProbe(serverInfo(context), null, null);
    }

    private static @Nullable ContainerProbe jetty(ServletContext context) throws ReflectiveOperationException {
        Class<?> api = null;
        for (Class<?> c = context.getClass(); c != null && api == null; c = c.getSuperclass()) {
            if (JETTY_CONTEXT.matcher(c.getName()).matches()) {
                api = c;
            }
        }
        Class<?> handlerType = api == null ? null : api.getEnclosingClass();
        if (handlerType == null) {
            return null;
        }
        Object handler = handlerType
                .getMethod("getServletContextHandler", ServletContext.class)
                .invoke(null, context);
        if (handler == null) {
            return null;
        }
        Method eventListeners = handlerType.getMethod("getEventListeners");
        Supplier<List<?>> listeners = () -> (List<?>) call(eventListeners, handler);
        int unused = listeners.get().size(); // fails here, at startup, if the API is not what it should be
        String auth = null;
        Object security = handlerType.getMethod("getSecurityHandler").invoke(handler);
        if (security != null) {
            Class<?> securityType =
                    Class.forName("org.eclipse.jetty.security.SecurityHandler", false, handlerType.getClassLoader());
            auth = (String) securityType.getMethod("getAuthenticationType").invoke(security);
            Object authenticator = securityType.getMethod("getAuthenticator").invoke(security);
            if (auth == null && authenticator != null) {
                auth = (String)
                        Class.forName("org.eclipse.jetty.security.Authenticator", false, handlerType.getClassLoader())
                                .getMethod("getAuthenticationType")
                                .invoke(authenticator);
            }
        }
        return new ContainerProbe("Jetty", listeners, auth);
    }

    private static @Nullable ContainerProbe tomcat(ServletContext context) throws ReflectiveOperationException {
        Object resources = context.getAttribute(TOMCAT_RESOURCES_ATTRIBUTE);
        if (resources == null) {
            return null;
        }
        ClassLoader loader = resources.getClass().getClassLoader();
        Class<?> rootType = Class.forName("org.apache.catalina.WebResourceRoot", false, loader);
        if (!rootType.isInstance(resources)) {
            return null;
        }
        Object tomcatContext = rootType.getMethod("getContext").invoke(resources);
        if (tomcatContext == null) {
            return null;
        }
        Class<?> contextType = Class.forName("org.apache.catalina.Context", false, loader);
        Method lifecycle = contextType.getMethod("getApplicationLifecycleListeners");
        Method events = contextType.getMethod("getApplicationEventListeners");
        Supplier<List<?>> listeners = () -> {
            List<Object> all = new ArrayList<>();
            all.addAll(Arrays.asList((Object[]) call(lifecycle, tomcatContext)));
            all.addAll(Arrays.asList((Object[]) call(events, tomcatContext)));
            return all;
        };
        int unused = listeners.get().size();
        String auth = null;
        Object login = contextType.getMethod("getLoginConfig").invoke(tomcatContext);
        if (login != null) {
            auth = (String) Class.forName("org.apache.tomcat.util.descriptor.web.LoginConfig", false, loader)
                    .getMethod("getAuthMethod")
                    .invoke(login);
        }
        return new ContainerProbe("Tomcat", listeners, auth);
    }

    /** Calls a getter checked at startup; a failure later is a container bug, reported as such. */
    private static Object call(Method getter, Object target) {
        try {
            Object result = getter.invoke(target);
            if (result == null) {
                throw new IllegalStateException(getter + " returned null");
            }
            return result;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(getter + " failed", e.getCause());
        }
    }

    private static String serverInfo(ServletContext context) {
        try {
            return context.getServerInfo() + " (" + context.getClass().getName() + ")";
        } catch (RuntimeException e) {
            return context.getClass().getName();
        }
    }
}

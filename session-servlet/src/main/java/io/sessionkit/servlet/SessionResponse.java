package io.sessionkit.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Saves the session before the response can commit: before the first byte or character of the body is written (and
 * before any later write if the session changed since), before {@code sendRedirect}, {@code sendError},
 * {@code flushBuffer}, and a flush or close of the body. Containers commit at different points (Jetty sends any single
 * write larger than its aggregation size at once, 8 KiB by default, whatever {@code getBufferSize()} says; Tomcat when
 * its buffer fills; both when the declared {@code Content-Length} is reached), so no byte count is a safe predictor:
 * the only point that is safe on every container is before the body starts. After that point the client may already
 * be reading the response (a redirect's target, a streamed page) and must find the session as this request left it,
 * and the cookie can no longer be added.
 *
 * <p>A response that carries the session cookie (set or cleared) or the session header also gets
 * {@code Cache-Control: no-store}, unless the application set {@code Cache-Control} itself: a shared cache must never
 * hand one user's session id to another.
 */
final class SessionResponse extends HttpServletResponseWrapper {
    private static final @Nullable MethodHandle REDIRECT_STATUS_CLEAR =
            servlet61Redirect(String.class, int.class, boolean.class);
    private static final @Nullable MethodHandle REDIRECT_CLEAR = servlet61Redirect(String.class, boolean.class);
    private static final @Nullable MethodHandle REDIRECT_STATUS = servlet61Redirect(String.class, int.class);

    private static final @Nullable MethodHandle WRITE_BYTE_BUFFER = servlet61WriteByteBuffer();

    private final SessionRequest request;
    private @Nullable ServletOutputStream stream;
    private @Nullable PrintWriter writer;
    private @Nullable String cookieHeader;
    private @Nullable String headerName;
    private @Nullable String headerValue;
    /** Whether the {@code Cache-Control} header now on the response is our {@code no-store}. */
    private boolean noStoreAdded;

    SessionResponse(HttpServletResponse response, SessionRequest request) {
        super(response);
        this.request = request;
    }

    // ---- what the session layer sends ----

    /** Sets our Set-Cookie (replacing one this response already carries, e.g. after a rotation). */
    void setSessionCookie(String header) {
        if (isCommitted()) {
            SessionFilter.LOG.log(
                    System.Logger.Level.WARNING,
                    "the session cookie could not be sent: the response was committed before the session was saved");
            return;
        }
        if (cookieHeader != null) {
            // Drop our earlier Set-Cookie but keep any the application added.
            List<String> others = new ArrayList<>(getHeaders("Set-Cookie"));
            others.remove(cookieHeader);
            boolean first = true;
            for (String h : others) {
                if (first) {
                    super.setHeader("Set-Cookie", h);
                    first = false;
                } else {
                    super.addHeader("Set-Cookie", h);
                }
            }
            if (first) {
                super.setHeader("Set-Cookie", header);
            } else {
                super.addHeader("Set-Cookie", header);
            }
        } else {
            super.addHeader("Set-Cookie", header);
        }
        cookieHeader = header;
        forbidSharedCaching();
    }

    void setSessionHeader(String name, String value) {
        if (isCommitted()) {
            SessionFilter.LOG.log(
                    System.Logger.Level.WARNING,
                    "the session header could not be sent: the response was committed before the session was saved");
            return;
        }
        super.setHeader(name, value);
        headerName = name;
        headerValue = value;
        forbidSharedCaching();
    }

    /** {@code Cache-Control: no-store} on a response that carries the id, unless the application chose caching itself. */
    private void forbidSharedCaching() {
        if (!noStoreAdded && !containsHeader("Cache-Control")) {
            super.setHeader("Cache-Control", "no-store");
            noStoreAdded = true;
        }
    }

    // ---- commit points ----

    private void beforeCommit() {
        if (!isCommitted()) {
            request.commitSession();
        }
    }

    /**
     * Before body bytes or characters go to the container: any of them may commit the response at once (see the
     * class doc). Cheap when the session has not changed since the last save: no store call, no encoding.
     */
    private void beforeWrite() {
        if (request.hasUnsavedSessionState() && !isCommitted()) {
            request.commitSession();
        }
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        beforeCommit();
        super.sendRedirect(location);
    }

    /** Servlet 6.1; reached through the 6.1 API when the container provides it (e.g. Tomcat 11). */
    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        beforeCommit();
        invoke(REDIRECT_STATUS_CLEAR, location, sc, clearBuffer);
    }

    /** Servlet 6.1. */
    public void sendRedirect(String location, boolean clearBuffer) throws IOException {
        beforeCommit();
        invoke(REDIRECT_CLEAR, location, clearBuffer);
    }

    /** Servlet 6.1. */
    public void sendRedirect(String location, int sc) throws IOException {
        beforeCommit();
        invoke(REDIRECT_STATUS, location, sc);
    }

    @Override
    public void sendError(int sc) throws IOException {
        beforeCommit();
        super.sendError(sc);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        beforeCommit();
        super.sendError(sc, msg);
    }

    @Override
    public void flushBuffer() throws IOException {
        beforeCommit();
        super.flushBuffer();
    }

    @Override
    public void reset() {
        super.reset();
        noStoreAdded = false;
        // reset() clears headers: put back the id this response already promised the client.
        if (cookieHeader != null) {
            super.addHeader("Set-Cookie", cookieHeader);
            forbidSharedCaching();
        }
        if (headerName != null) {
            super.setHeader(headerName, headerValue);
            forbidSharedCaching();
        }
    }

    @Override
    public void setHeader(String name, String value) {
        super.setHeader(name, value);
        if ("Cache-Control".equalsIgnoreCase(name)) {
            noStoreAdded = false; // the application's own choice replaced ours
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (noStoreAdded && "Cache-Control".equalsIgnoreCase(name)) {
            // The application chooses caching itself: its value replaces our default rather than joining it.
            noStoreAdded = false;
            super.setHeader(name, value);
            return;
        }
        super.addHeader(name, value);
    }

    /** Never rewrites URLs: ids in URLs leak through logs and Referer headers. */
    @Override
    public String encodeURL(String url) {
        return url;
    }

    @Override
    public String encodeRedirectURL(String url) {
        return url;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        ServletOutputStream out = super.getOutputStream();
        if (stream == null) {
            stream = new CommitAwareOutputStream(out);
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        PrintWriter container = super.getWriter();
        if (writer == null) {
            writer = new PrintWriter(new CommitAwareWriter(container), false) {
                @Override
                public boolean checkError() {
                    // The container's writer swallows I/O errors (client gone); report them as it would.
                    return super.checkError() || container.checkError();
                }
            };
        }
        return writer;
    }

    private final class CommitAwareOutputStream extends ServletOutputStream {
        private final ServletOutputStream delegate;

        CommitAwareOutputStream(ServletOutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            beforeWrite();
            delegate.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            beforeWrite();
            delegate.write(b, off, len);
        }

        /**
         * Servlet 6.1's {@code write(ByteBuffer)} (this class is compiled against 6.0, so this overrides it only where
         * the container provides 6.1): saves first, then hands the buffer to the container's own implementation.
         */
        // Called by Servlet 6.1 containers, where it overrides write(ByteBuffer): neither unused nor private in effect.
        @SuppressWarnings({"UnusedMethod", "EffectivelyPrivate"})
        public void write(ByteBuffer buffer) throws IOException {
            beforeWrite();
            if (WRITE_BYTE_BUFFER != null) {
                try {
                    WRITE_BYTE_BUFFER.invoke(delegate, buffer);
                } catch (IOException | RuntimeException | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IOException(t);
                }
                return;
            }
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            delegate.write(bytes, 0, bytes.length);
        }

        @Override
        public void flush() throws IOException {
            beforeCommit();
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            beforeCommit();
            delegate.close();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            delegate.setWriteListener(listener);
        }
    }

    private final class CommitAwareWriter extends Writer {
        private final PrintWriter delegate;

        CommitAwareWriter(PrintWriter delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            beforeWrite();
            delegate.write(cbuf, off, len);
        }

        @Override
        public void write(String str, int off, int len) {
            beforeWrite();
            delegate.write(str, off, len);
        }

        @Override
        public void write(int c) {
            beforeWrite();
            delegate.write(c);
        }

        @Override
        public void flush() {
            beforeCommit();
            delegate.flush();
        }

        @Override
        public void close() {
            beforeCommit();
            delegate.close();
        }
    }

    private void invoke(@Nullable MethodHandle handle, Object... args) throws IOException {
        if (handle == null) {
            throw new UnsupportedOperationException("this container's Servlet API has no such sendRedirect overload");
        }
        try {
            Object[] all = new Object[args.length + 1];
            all[0] = getResponse();
            System.arraycopy(args, 0, all, 1, args.length);
            handle.invokeWithArguments(all);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    private static @Nullable MethodHandle servlet61WriteByteBuffer() {
        try {
            return MethodHandles.publicLookup()
                    .findVirtual(
                            ServletOutputStream.class, "write", MethodType.methodType(void.class, ByteBuffer.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }

    private static @Nullable MethodHandle servlet61Redirect(Class<?>... params) {
        try {
            return MethodHandles.publicLookup()
                    .findVirtual(HttpServletResponse.class, "sendRedirect", MethodType.methodType(void.class, params));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }
}

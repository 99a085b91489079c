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
import java.util.ArrayList;
import java.util.List;

/**
 * Saves the session before the response can commit: before {@code sendRedirect}, {@code sendError},
 * {@code flushBuffer}, a flush or close of the body, and before a write that could fill the container's buffer or
 * complete the declared {@code Content-Length}. After that point the client may already be reading the response
 * (a redirect's target, a streamed page) and must find the session as this request left it.
 *
 * <p>Writes are counted conservatively (characters through the writer as up to 3 bytes each), so the session may be
 * saved a little earlier than strictly needed; saving again at the end of the request then writes only what changed
 * since, usually nothing.
 */
final class SessionResponse extends HttpServletResponseWrapper {
    private static final int MAX_BYTES_PER_CHAR = 3;
    private static final MethodHandle REDIRECT_STATUS_CLEAR = servlet61Redirect(String.class, int.class, boolean.class);
    private static final MethodHandle REDIRECT_CLEAR = servlet61Redirect(String.class, boolean.class);
    private static final MethodHandle REDIRECT_STATUS = servlet61Redirect(String.class, int.class);

    private final SessionRequest request;
    private long written;
    private long contentLength = -1;
    private ServletOutputStream stream;
    private PrintWriter writer;
    private String cookieHeader;
    private String headerName;
    private String headerValue;

    SessionResponse(HttpServletResponse response, SessionRequest request) {
        super(response);
        this.request = request;
    }

    // ---- what the session layer sends ----

    /** Sets our Set-Cookie (replacing one this response already carries, e.g. after a rotation). */
    void setSessionCookie(String header) {
        if (isCommitted()) {
            SessionFilter.LOG.log(System.Logger.Level.WARNING,
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
    }

    void setSessionHeader(String name, String value) {
        if (isCommitted()) {
            SessionFilter.LOG.log(System.Logger.Level.WARNING,
                    "the session header could not be sent: the response was committed before the session was saved");
            return;
        }
        super.setHeader(name, value);
        headerName = name;
        headerValue = value;
    }

    // ---- commit points ----

    private void beforeCommit() {
        if (!isCommitted()) {
            request.commitSession();
        }
    }

    private void beforeWrite(long maxBytes) {
        if (isCommitted()) {
            return;
        }
        written += maxBytes;
        int buffer = getBufferSize();
        if (written >= buffer || (contentLength >= 0 && written >= contentLength)) {
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
        written = 0;
        contentLength = -1;
        // reset() clears headers: put back the id this response already promised the client.
        if (cookieHeader != null) {
            super.addHeader("Set-Cookie", cookieHeader);
        }
        if (headerName != null) {
            super.setHeader(headerName, headerValue);
        }
    }

    @Override
    public void resetBuffer() {
        super.resetBuffer();
        written = 0;
    }

    @Override
    public void setContentLength(int len) {
        super.setContentLength(len);
        contentLength = len;
    }

    @Override
    public void setContentLengthLong(long len) {
        super.setContentLengthLong(len);
        contentLength = len;
    }

    @Override
    public void setHeader(String name, String value) {
        super.setHeader(name, value);
        trackContentLength(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        super.addHeader(name, value);
        trackContentLength(name, value);
    }

    @Override
    public void setIntHeader(String name, int value) {
        super.setIntHeader(name, value);
        trackContentLength(name, String.valueOf(value));
    }

    @Override
    public void addIntHeader(String name, int value) {
        super.addIntHeader(name, value);
        trackContentLength(name, String.valueOf(value));
    }

    private void trackContentLength(String name, String value) {
        if ("Content-Length".equalsIgnoreCase(name)) {
            try {
                contentLength = value == null ? -1 : Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                contentLength = -1;
            }
        }
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
            beforeWrite(1);
            delegate.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            beforeWrite(len);
            delegate.write(b, off, len);
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
            beforeWrite((long) len * MAX_BYTES_PER_CHAR);
            delegate.write(cbuf, off, len);
        }

        @Override
        public void write(String str, int off, int len) {
            beforeWrite((long) len * MAX_BYTES_PER_CHAR);
            delegate.write(str, off, len);
        }

        @Override
        public void write(int c) {
            beforeWrite(MAX_BYTES_PER_CHAR);
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

    private void invoke(MethodHandle handle, Object... args) throws IOException {
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

    private static MethodHandle servlet61Redirect(Class<?>... params) {
        try {
            return MethodHandles.publicLookup().findVirtual(HttpServletResponse.class, "sendRedirect",
                    MethodType.methodType(void.class, params));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }
}

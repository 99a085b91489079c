package io.sessionkit.reliability;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures everything SessionKit logs. {@code System.Logger} goes to java.util.logging when no other
 * {@code LoggerFinder} is installed (none is on this module's test class path), so a handler on the JUL logger
 * {@code io.sessionkit} at level ALL sees the core's and every backend's messages, parameters substituted, with the
 * messages of attached exceptions and their causes.
 */
final class LogCapture implements AutoCloseable {
    private static final Logger SESSIONKIT = Logger.getLogger("io.sessionkit");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Level previous;
    private final boolean previousUseParent;
    private final Handler handler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            StringBuilder sb = new StringBuilder(r.getLoggerName())
                    .append(' ')
                    .append(r.getLevel())
                    .append(' ')
                    .append(formatter.formatMessage(r));
            for (Throwable t = r.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
                sb.append(" | ").append(t);
            }
            lines.add(sb.toString());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    LogCapture() {
        previous = SESSIONKIT.getLevel();
        previousUseParent = SESSIONKIT.getUseParentHandlers();
        // Captured lines are asserted on, not printed: thousands of expected warnings would bury the test output.
        SESSIONKIT.setUseParentHandlers(false);
        handler.setLevel(Level.ALL);
        SESSIONKIT.setLevel(Level.ALL);
        SESSIONKIT.addHandler(handler);
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** The captured lines that contain {@code value}. */
    List<String> linesContaining(String value) {
        return lines.stream().filter(l -> l.contains(value)).toList();
    }

    @Override
    public void close() {
        SESSIONKIT.removeHandler(handler);
        SESSIONKIT.setLevel(previous);
        SESSIONKIT.setUseParentHandlers(previousUseParent);
    }
}

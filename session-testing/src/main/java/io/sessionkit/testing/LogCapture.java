package io.sessionkit.testing;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the WARNING and worse records of one logger and its children, parameters substituted and an attached
 * exception appended ({@code message | exception}). {@code System.Logger} goes to java.util.logging when no other
 * {@code LoggerFinder} is installed, so this sees what library code logs through it. Close it to stop capturing.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                String message = r.getParameters() == null
                        ? r.getMessage()
                        : MessageFormat.format(r.getMessage(), r.getParameters());
                warnings.add(r.getThrown() == null ? message : message + " | " + r.getThrown());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private LogCapture(String loggerName) {
        logger = Logger.getLogger(loggerName);
        logger.addHandler(handler);
    }

    /** Starts capturing the logger {@code loggerName} (and the loggers below it). */
    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    /** The WARNING and worse lines so far, oldest first. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}

package io.sessionkit.boot;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects the WARNING and worse records of one logger (System.Logger goes to java.util.logging here). */
final class LogCapture implements AutoCloseable {
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

    LogCapture(String loggerName) {
        logger = Logger.getLogger(loggerName);
        logger.addHandler(handler);
    }

    /** Captures the starter's logger. */
    static LogCapture starter() {
        return new LogCapture("io.sessionkit.boot");
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}

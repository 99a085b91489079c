package io.sessionkit;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects the WARNING lines System.Logger sends to java.util.logging (the default backend) for one logger. */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    private LogCapture(String name) {
        this.logger = Logger.getLogger(name);
        logger.addHandler(this);
    }

    static LogCapture of(String name) {
        return new LogCapture(name);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
            warnings.add(
                    r.getParameters() == null
                            ? r.getMessage()
                            : MessageFormat.format(r.getMessage(), r.getParameters()));
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}

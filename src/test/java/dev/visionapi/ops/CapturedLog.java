package dev.visionapi.ops;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The records a logger (and the loggers below it) publishes from when this opens until it closes. */
final class CapturedLog implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CapturedLog(Logger logger) {
        this.logger = logger;
        logger.addHandler(handler);
    }

    /** Captures {@code name}'s records; {@code ""} is the root logger, which sees every record. */
    static CapturedLog of(String name) {
        return new CapturedLog(Logger.getLogger(name));
    }

    List<LogRecord> records() {
        return records;
    }

    /** The messages with their parameters filled in. */
    List<String> lines() {
        return records.stream().map(record -> record.getParameters() == null ? record.getMessage()
                : String.format(record.getMessage(), record.getParameters())).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}

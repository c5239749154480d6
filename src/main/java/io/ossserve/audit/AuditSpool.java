package io.ossserve.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only JSON-lines file holding audit records while the database is unreachable. Each append is forced to
 * disk before it returns. A torn last line (crash mid-write) is skipped with a warning when read.
 */
final class AuditSpool {
    private static final Logger log = LoggerFactory.getLogger(AuditSpool.class);
    private final Path file;

    AuditSpool(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create audit spool directory " + dir, e);
        }
        this.file = dir.resolve("audit-spool.jsonl");
    }

    synchronized void append(List<AuditEvent> events) {
        StringBuilder b = new StringBuilder();
        for (AuditEvent e : events) {
            b.append(AuditJson.line(e)).append('\n');
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the audit spool " + file, e);
        }
    }

    synchronized boolean isEmpty() {
        try {
            return !Files.exists(file) || Files.size(file) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    synchronized List<AuditEvent> readAll() {
        List<AuditEvent> events = new ArrayList<>();
        if (!Files.exists(file)) {
            return events;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    events.add(AuditJson.event(line));
                } catch (RuntimeException e) {
                    log.warn("audit spool {} line {} is unreadable and skipped: {}", file, n, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit spool " + file, e);
        }
        return events;
    }

    /** Removes replayed records: drops the first {@code count} records, keeping any appended since. */
    synchronized void dropFirst(int count) {
        List<AuditEvent> all = readAll();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate the audit spool " + file, e);
        }
        if (all.size() > count) {
            append(all.subList(count, all.size()));
        }
    }

    Path file() {
        return file;
    }
}

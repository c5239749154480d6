package io.ossserve.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code oss-serve.audit}: the durable, hash-chained audit trail (database from {@code spring.datasource}).
 *
 * @param nodeId          name of this replica's hash chain; empty = host name (each replica writes its own chain)
 * @param queueCapacity   in-memory queue between request threads and the writer; when full, records go
 *                        straight to the spool file (never dropped)
 * @param batchSize       records per database transaction
 * @param flushInterval   longest time a record waits in the queue
 * @param spoolDir        append-only spool used while the database is unreachable; empty =
 *                        {@code ${oss-serve.data-dir}/audit-spool}
 * @param replayInterval  how often the spool is retried
 * @param retention       records older than this are deleted; 0 keeps everything
 * @param retentionCheckInterval how often retention runs
 * @param maxPromptChars  cap on stored prompt/completion text (tenants that opted in only)
 */
@ConfigurationProperties("oss-serve.audit")
public record AuditProperties(
        @DefaultValue("") String nodeId,
        @DefaultValue("10000") int queueCapacity,
        @DefaultValue("256") int batchSize,
        @DefaultValue("200ms") Duration flushInterval,
        Path spoolDir,
        @DefaultValue("2s") Duration replayInterval,
        @DefaultValue("90d") Duration retention,
        @DefaultValue("1h") Duration retentionCheckInterval,
        @DefaultValue("20000") int maxPromptChars) {}

package io.ossserve.audit;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** An audit record with its place in a hash chain. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StoredAuditEvent(String chainId, long seq, AuditEvent event, String prevHash, String hash) {}

package io.ossserve.cli;

import io.ossserve.audit.AuditVerifyCommand;
import picocli.CommandLine.Command;

/** Audit trail tools: {@code audit verify} checks the hash chains of the embedded or a PostgreSQL database. */
@Command(name = "audit", description = "Audit trail tools.", mixinStandardHelpOptions = true,
        subcommands = {AuditVerifyCommand.class})
final class AuditCommand {
}

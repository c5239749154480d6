package io.ossserve.cli;

import picocli.CommandLine.Command;

/** Benchmarks: the engine without a server ({@code bench engine}). */
@Command(name = "bench", description = "Benchmarks.", subcommands = {BenchEngineCommand.class})
final class BenchCommand {
}

package io.ossserve.cli;

import picocli.CommandLine.Command;

/** Benchmarks: the engine without a server ({@code bench engine}) and a running server ({@code bench serve}). */
@Command(name = "bench", description = "Benchmarks.", subcommands = {BenchEngineCommand.class, BenchServeCommand.class})
final class BenchCommand {
}

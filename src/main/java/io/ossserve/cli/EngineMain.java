package io.ossserve.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The engine's commands ({@code model}, {@code generate}, {@code bench}) without the server: this class
 * loads nothing of Spring, so it runs on a host that carries only the engine's runtime jars (the GPU
 * machine's packed runtime: {@code bash .gpu/run.sh io.ossserve.cli.EngineMain generate ...}).
 * Same options and exit codes as {@link Main}.
 */
@Command(name = "oss-serve-engine", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "gpt-oss engine tools (no server): model, generate, bench.",
        subcommands = {ModelCommand.class, GenerateCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class EngineMain implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests call it without exiting the JVM). */
    public static CommandLine commandLine() {
        return Main.withErrorHandler(new CommandLine(new EngineMain()));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}

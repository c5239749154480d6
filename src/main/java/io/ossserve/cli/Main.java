package io.ossserve.cli;

import io.ossserve.OssServeApplication;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line. {@code serve} is the default: with no arguments, or with arguments that are not a
 * command name (e.g. {@code --server.port=9000}), the HTTP service starts.
 */
@Command(name = "oss-serve", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "OpenAI-compatible inference service and engine tools for gpt-oss models.",
        subcommands = {ServeCommand.class, ModelCommand.class, GenerateCommand.class, BenchCommand.class,
                AuditCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    private static final Set<String> COMMANDS = Set.of("serve", "model", "generate", "bench", "audit", "help", "-h", "--help", "-V", "--version");

    public static void main(String[] args) {
        if (args.length == 0 || !COMMANDS.contains(args[0])) {
            OssServeApplication.main(args);
            return;
        }
        int code = commandLine().execute(args);
        if (code != 0 || !args[0].equals("serve")) {
            System.exit(code);
        }
    }

    /** The configured picocli command line (tests call it without exiting the JVM). */
    public static CommandLine commandLine() {
        return withErrorHandler(new CommandLine(new Main()));
    }

    static CommandLine withErrorHandler(CommandLine cl) {
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            // user-facing failures: one clear line, no stack trace
            line.getErr().println("error: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            return ex instanceof IllegalArgumentException || ex instanceof io.ossserve.model.CheckpointException ? 2 : 1;
        });
        return cl;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"oss-serve " + (v != null ? v : "dev"), "java " + Runtime.version()};
        }
    }
}

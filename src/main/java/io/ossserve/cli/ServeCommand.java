package io.ossserve.cli;

import io.ossserve.OssServeApplication;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** Starts the HTTP service; any argument is passed to Spring Boot (e.g. --server.port=9000). */
@Command(name = "serve", description = "Start the OpenAI-compatible HTTP service (default command).")
final class ServeCommand implements Runnable {

    @Unmatched
    List<String> springArgs = new ArrayList<>();

    @Override
    public void run() {
        OssServeApplication.main(springArgs.toArray(String[]::new));
    }
}

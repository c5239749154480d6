package io.ossserve.api;

/** Lets tests in other packages run against the scripted server. */
public abstract class ScriptedServerAccess extends ScriptedServer {
    protected static void awaitServer(int port) throws Exception {
        awaitReady(port);
    }
}

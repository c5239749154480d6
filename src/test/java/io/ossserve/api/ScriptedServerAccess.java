package io.ossserve.api;

/** Lets tests in other packages run against the scripted server. */
public abstract class ScriptedServerAccess extends ScriptedServer {
    protected static void awaitServer(int port) throws Exception {
        awaitReady(port);
    }

    /** The scripted server's data directory, admin key and tenant helper. */
    protected static io.ossserve.TestGovernance governance() {
        return GOVERNANCE;
    }

    /** A tenant API key (unlimited quotas) for this server. */
    protected static String tenantKey(int port) {
        return apiKey(port);
    }
}

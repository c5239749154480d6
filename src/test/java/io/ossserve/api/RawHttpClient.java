package io.ossserve.api;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 keep-alive client over one loopback socket, for latency benchmarks: no selector thread,
 * no executor hand-off, one write per request, so what it measures is the server's path. Streaming (chunked)
 * responses only.
 */
final class RawHttpClient implements AutoCloseable {
    private final int port;
    private Socket socket;
    private OutputStream out;
    private BufferedInputStream in;

    RawHttpClient(int port) throws IOException {
        this.port = port;
        connect();
    }

    private void connect() throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    }

    /**
     * POSTs {@code body} and reads the whole chunked response; returns the {@link System#nanoTime()} at which the
     * chunk holding {@code marker} was read (0 when it never came).
     */
    long post(String path, String bearer, byte[] body, String marker) throws IOException {
        return post(path, bearer, body, chunk -> chunk.contains(marker));
    }

    /** As above, with the first chunk that {@code wanted} accepts (each chunk's text on its own). */
    long post(String path, String bearer, byte[] body, java.util.function.Predicate<String> wanted) throws IOException {
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + bearer
                + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: " + body.length + "\r\n\r\n";
        ByteArrayOutputStream req = new ByteArrayOutputStream(head.length() + body.length);
        req.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        req.writeBytes(body);
        out.write(req.toByteArray());
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("unexpected status: " + status);
        }
        boolean chunked = false, close = false;
        for (String h; !(h = line()).isEmpty(); ) {
            String lower = h.toLowerCase(java.util.Locale.ROOT);
            chunked |= lower.matches("transfer-encoding:\\s*chunked");
            close |= lower.matches("connection:\\s*close");
        }
        if (!chunked) {
            throw new IOException("expected a chunked (streamed) response");
        }
        long found = 0;
        while (true) {
            String sizeLine = line();
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            if (size == 0) {
                while (!line().isEmpty()) {
                    // trailers
                }
                if (close) {                                  // the server ends keep-alive (e.g. after N requests)
                    socket.close();
                    connect();
                }
                return found;
            }
            byte[] data = in.readNBytes(size);
            line();
            if (found == 0 && wanted.test(new String(data, StandardCharsets.UTF_8))) {
                found = System.nanoTime();
            }
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package io.ossserve.api;

import io.ossserve.config.ServerLimitsProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over {@code oss-serve.server-limits.max-body-size} with 413 and an OpenAI error body:
 * at once when Content-Length says so, or while reading a chunked body.
 */
@Component
class BodySizeLimit extends OncePerRequestFilter {
    private final long maxBytes;

    BodySizeLimit(ServerLimitsProperties limits) {
        this.maxBytes = limits.maxBodySize().toBytes();
    }

    static final class TooLargeException extends IOException {
        TooLargeException(long max) {
            super("Request body exceeds the limit of " + max + " bytes");
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String uri = request.getRequestURI();
        return !(uri.startsWith("/v1/") || uri.equals("/tokenize") || uri.equals("/detokenize"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            response.setStatus(413);
            response.setContentType("application/json");
            response.setHeader("Connection", "close");
            response.getOutputStream().write(("{\"error\":{\"message\":\"Request body of " + request.getContentLengthLong()
                    + " bytes exceeds the limit of " + maxBytes + " bytes\",\"type\":\"invalid_request_error\","
                    + "\"param\":null,\"code\":\"request_too_large\"}}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(new HttpServletRequestWrapper(request) {
            private ServletInputStream limited;

            @Override
            public ServletInputStream getInputStream() throws IOException {
                if (limited == null) {
                    limited = new Limited(super.getInputStream(), maxBytes);
                }
                return limited;
            }
        }, response);
    }

    private static final class Limited extends ServletInputStream {
        private final ServletInputStream in;
        private final long max;
        private long read;

        Limited(ServletInputStream in, long max) {
            this.in = in;
            this.max = max;
        }

        private void count(long n) throws TooLargeException {
            if (n > 0 && (read += n) > max) {
                throw new TooLargeException(max);
            }
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            count(n);
            return n;
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}

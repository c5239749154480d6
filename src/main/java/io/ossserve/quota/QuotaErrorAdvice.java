package io.ossserve.quota;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Turns a {@link QuotaException} thrown anywhere in a controller into its OpenAI error response. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class QuotaErrorAdvice {

    @ExceptionHandler(QuotaException.class)
    void quota(QuotaException e, HttpServletRequest request, HttpServletResponse response) throws IOException {
        RateLimitFilter.reject(request, response, e);
    }
}

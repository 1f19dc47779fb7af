package dev.s3seal.web.exchange;

import dev.s3seal.crypto.AuthenticationFailedException;
import dev.s3seal.ops.ClientFaultLog;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.xml.S3ErrorDocument;
import dev.s3seal.upstream.UpstreamInterruptedException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Turns any failure into the S3 error a client expects. A client's mistake gets its S3 code; an
 * unreachable upstream gets 503 (SDKs retry it); an object that fails authentication gets
 * {@link IntegrityFailures}' one non-retryable error; anything else is an InternalError whose details
 * stay in s3seal's log. Once the response is committed nothing can be said any more, so the
 * error propagates and the connection is aborted: the body never ends cleanly.
 */
public final class ErrorResponder {

    private static final Logger log = LoggerFactory.getLogger(ErrorResponder.class);
    /** Failures a client or the network can cause at will: one line each, rate limited, no stack trace. */
    private static final ClientFaultLog faults = ClientFaultLog.of(log);

    public Mono<Void> respond(ServerWebExchange exchange, String requestId, String resource, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            faults.warn(
                    "request {} failed after the response started; aborting the connection: {}",
                    requestId,
                    describe(error));
            return Mono.error(error);
        }
        S3Exception s3Error = toS3Exception(requestId, error);
        byte[] body = S3ErrorDocument.render(s3Error.errorCode(), s3Error.getMessage(), resource, requestId);
        String connection = response.getHeaders().getFirst(HttpHeaders.CONNECTION);
        response.getHeaders().clear();
        if (connection != null) {
            response.getHeaders().set(HttpHeaders.CONNECTION, connection); // an abandoned request body
        }
        response.setStatusCode(HttpStatusCode.valueOf(s3Error.errorCode().status()));
        response.getHeaders().setContentType(MediaType.APPLICATION_XML);
        response.getHeaders().setContentLength(body.length);
        response.getHeaders().set("x-amz-request-id", requestId);
        if (s3Error.errorCode().status() == 503) {
            response.getHeaders().set("Retry-After", "1");
        }
        if ("HEAD".equals(exchange.getRequest().getMethod().name())) {
            return response.setComplete();
        }
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    private static S3Exception toS3Exception(String requestId, Throwable error) {
        if (error instanceof S3Exception s3) {
            log.debug("request {} refused: {}", requestId, s3.errorCode().code());
            return s3;
        }
        if (error instanceof AuthenticationFailedException tampered) {
            // altered at rest (or by someone between s3seal and the store): s3seal works as designed, nothing to trace
            faults.warn("request {}: the object failed authentication ({})", requestId, tampered.reason());
            return IntegrityFailures.refusal(tampered);
        }
        if (error instanceof ConnectException
                || error instanceof PrematureCloseException
                || error instanceof UpstreamInterruptedException
                || error instanceof TimeoutException
                || error instanceof io.netty.handler.timeout.TimeoutException) {
            faults.warn("request {}: upstream unavailable: {}", requestId, describe(error));
            return new S3Exception(S3ErrorCode.SERVICE_UNAVAILABLE);
        }
        if (error instanceof software.amazon.awssdk.core.exception.SdkClientException) {
            faults.warn("request {}: upstream credentials unavailable: {}", requestId, describe(error));
            return new S3Exception(S3ErrorCode.SERVICE_UNAVAILABLE);
        }
        if (error instanceof org.springframework.core.io.buffer.DataBufferLimitException) {
            faults.warn("request {}: an upstream document exceeded s3seal's size cap", requestId);
            return new S3Exception(S3ErrorCode.INTERNAL_ERROR, "The upstream response was too large to process.");
        }
        if (isClosedConnection(error)) {
            // mostly a client that went away mid-request (nobody is left to answer); should it be the
            // upstream connection, 503 is what SDKs retry
            faults.warn("request {}: a connection closed mid-request: {}", requestId, describe(error));
            return new S3Exception(S3ErrorCode.SERVICE_UNAVAILABLE);
        }
        log.error("request {} failed", requestId, error); // s3seal's own bug: the stack trace is for us
        return new S3Exception(S3ErrorCode.INTERNAL_ERROR);
    }

    /** A connection closed while s3seal was still reading or writing: not a bug of s3seal's. */
    private static boolean isClosedConnection(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            // IOException: a connection reset (by the client or the upstream), not a bug of s3seal's
            if (cause instanceof AbortedException
                    || cause instanceof ClosedChannelException
                    || cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable error) {
        return error instanceof S3Exception s3
                ? s3.errorCode().code()
                : error.getClass().getSimpleName();
    }
}

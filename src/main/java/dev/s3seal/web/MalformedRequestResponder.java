package dev.s3seal.web;

import dev.s3seal.ops.ClientFaultLog;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.xml.S3ErrorDocument;
import dev.s3seal.web.exchange.RequestIds;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers what Netty's HTTP decoder could not read, and request targets Spring cannot turn into a
 * URI, with the S3 error S3 gives, as an S3 error document, and closes the connection: after a
 * framing error nothing else on it can be trusted. Without it Reactor Netty answers these with a
 * bare status and no body (or, for a URI with a bad percent escape or a NUL byte, an empty 400 on
 * a connection left open) and logs each one.
 *
 * <p>Sits right behind the HTTP codec, so a failed message never reaches Reactor Netty. A body
 * whose chunked framing breaks after its request was handed on gets the error only if the
 * handler has not started its own answer; otherwise the connection is just closed. One
 * rate-limited WARN line per refusal, naming the S3 code and the decoder's exception class, never
 * its message (which may quote a header value). One instance per connection.
 */
public final class MalformedRequestResponder extends ChannelDuplexHandler {

    /** The name of this handler in the channel pipeline. */
    public static final String NAME = "s3seal.malformedRequestResponder";

    private static final Logger logger = LoggerFactory.getLogger(MalformedRequestResponder.class);
    private static final ClientFaultLog log = ClientFaultLog.of(logger);

    private boolean closing;
    private boolean answered;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (closing) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpRequest request) {
            answered = false;
            S3ErrorCode refusal = refusalOf(request);
            if (refusal != null) {
                ReferenceCountUtil.release(message);
                refuse(ctx, refusal, request.decoderResult());
                return;
            }
        } else if (message instanceof HttpContent content
                && content.decoderResult().isFailure()) {
            ReferenceCountUtil.release(message);
            if (answered) {
                closing = true;
                log.warn(
                        "closed a connection whose request body framing is malformed ({})",
                        content.decoderResult().cause());
                ctx.close();
            } else {
                refuse(ctx, S3ErrorCode.INVALID_REQUEST, content.decoderResult());
            }
            return;
        }
        ctx.fireChannelRead(message);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (message instanceof HttpResponse response
                && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            answered = true;
        }
        ctx.write(message, promise);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Raised below the HTTP layer (socket, TLS): the client broke the connection, s3seal did not.
        if (!(cause instanceof IOException)) {
            log.warn("closed a connection after a transport failure ({})", cause);
        } else if (logger.isDebugEnabled()) {
            logger.debug("connection failed: {}", cause.toString());
        }
        closing = true;
        ctx.close();
    }

    private static S3ErrorCode refusalOf(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            return codeFor(result.cause());
        }
        return parsesAsUri(request.uri()) && hostParses(request.headers().get(HttpHeaderNames.HOST))
                ? null
                : S3ErrorCode.INVALID_URI;
    }

    static S3ErrorCode codeFor(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongHttpLineException) {
            // S3 counts the query string into the header section it limits.
            return S3ErrorCode.REQUEST_HEADER_SECTION_TOO_LARGE;
        }
        if (cause instanceof ContentLengthNotAllowedException) {
            return S3ErrorCode.INVALID_REQUEST;
        }
        String message = cause.getMessage();
        if (message != null && message.contains("Content-Length")) {
            return S3ErrorCode.INVALID_ARGUMENT;
        }
        return S3ErrorCode.INVALID_REQUEST;
    }

    /** Whether Spring can build the request's URI; it answers a bare 400 where it cannot. */
    static boolean parsesAsUri(String target) {
        if (isPlainOriginForm(target)) {
            return true; // what every SDK sends: no need to build a URI to know it parses
        }
        String pathAndQuery = target;
        int scheme = target.indexOf("://");
        if (scheme > 0 && !target.startsWith("/")) {
            int path = target.indexOf('/', scheme + 3);
            pathAndQuery = path < 0 ? "/" : target.substring(path);
        }
        try {
            new URI("http://localhost" + pathAndQuery);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** Spring builds the request URI from the Host header too, and answers a bare 400 where it cannot. */
    static boolean hostParses(String host) {
        if (host == null || host.isEmpty() || isPlainHost(host)) {
            return true;
        }
        try {
            new URI("http://" + host + "/");
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * A path starting with '/' and an optional query made only of characters RFC 2396 (java.net.URI's
     * grammar) allows there unescaped, and '%' escapes with two hex digits: such a target always parses.
     */
    static boolean isPlainOriginForm(String target) {
        if (target.isEmpty() || target.charAt(0) != '/') {
            return false;
        }
        for (int i = 1; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '%') {
                if (i + 2 >= target.length()
                        || Character.digit(target.charAt(i + 1), 16) < 0
                        || Character.digit(target.charAt(i + 2), 16) < 0) {
                    return false;
                }
                i += 2;
            } else if (!isAlphanumeric(c) && "-_.!~*'()/;:@&=+$,?".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Letters, digits, '.', '-' and ':' (a name or an IPv4 address, and a port): always a valid authority. */
    static boolean isPlainHost(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!isAlphanumeric(c) && c != '.' && c != '-' && c != ':') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private void refuse(ChannelHandlerContext ctx, S3ErrorCode code, DecoderResult result) {
        closing = true;
        answered = true;
        String requestId = RequestIds.next();
        log.warn(
                "request {} refused before it could be read: {} ({})",
                requestId,
                code.code(),
                result.isFailure() ? result.cause() : "unparseable request target");
        byte[] body = S3ErrorDocument.render(code, null, null, requestId);
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code.status()), Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/xml")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set("x-amz-request-id", requestId)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}

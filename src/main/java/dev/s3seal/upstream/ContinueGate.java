package dev.s3seal.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.AttributeKey;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Holds a request body back until the upstream asked for it. A request sent with
 * {@code Expect: 100-continue} may be refused on its head alone (missing bucket, wrong SSE-C
 * parameters, refused signature); pulling the client's body before the upstream's {@code 100
 * Continue} would make s3seal tell the client to send it, only to fail mid-body. Reactor Netty's
 * client drops interim responses, so {@link #OBSERVER} watches the upstream connection for them.
 */
final class ContinueGate {

    /**
     * How long an upstream that neither continues nor answers is given before the body is sent
     * anyway (RFC 9110 §10.1.1: a client should not wait indefinitely); the same as Apache
     * HttpClient's, which most S3 SDK traffic uses.
     */
    static final Duration UNANSWERED_EXPECTATION = Duration.ofSeconds(3);

    private static final AttributeKey<ContinueGate> ON_CHANNEL = AttributeKey.valueOf("s3seal.continueGate");

    /** Sees every response head of the connection before Reactor Netty does, and opens the gate waiting on it. */
    static final ChannelHandler OBSERVER = new Observer();

    private final Sinks.One<Boolean> decision = Sinks.one();

    /** Attaches a new gate to the request about to be sent on {@code channel}. */
    static ContinueGate attach(Channel channel) {
        ContinueGate gate = new ContinueGate();
        channel.attr(ON_CHANNEL).set(gate);
        return gate;
    }

    /**
     * True once the upstream said {@code 100 Continue} (or stayed silent too long), false if it
     * answered the request without wanting its body.
     */
    Mono<Boolean> bodyWanted() {
        return decision.asMono().timeout(UNANSWERED_EXPECTATION, Mono.just(true));
    }

    @ChannelHandler.Sharable
    private static final class Observer extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpResponse response) {
                if (HttpResponseStatus.CONTINUE.equals(response.status())) {
                    ContinueGate gate = ctx.channel().attr(ON_CHANNEL).get();
                    if (gate != null) {
                        gate.decision.tryEmitValue(true);
                    }
                } else if (response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
                    ContinueGate gate = ctx.channel().attr(ON_CHANNEL).getAndSet(null);
                    if (gate != null) {
                        gate.decision.tryEmitValue(false);
                    }
                }
            }
            ctx.fireChannelRead(msg);
        }
    }
}

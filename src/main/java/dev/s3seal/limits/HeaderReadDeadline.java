package dev.s3seal.limits;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Closes a connection whose request headers are not complete {@code timeoutMillis} after it
 * opened or after the previous response ended. A client that trickles its header section (one
 * byte every few seconds) would otherwise hold a connection, and a server thread's attention,
 * forever: an idle timeout never fires while bytes keep coming. The same deadline closes a
 * keep-alive connection that stays idle between requests.
 *
 * <p>Sits right after the HTTP codec, so a decoded {@link HttpRequest} means "headers complete".
 * The clock is off from then until the response's last content is written (a slow body is the
 * body deadline's business); interim {@code 100 Continue} responses do not restart it, nor does the
 * end of a response while a pipelined request is already waiting. Runs on the
 * channel's event loop only, so it needs no synchronisation. One instance per channel.
 */
public final class HeaderReadDeadline extends ChannelDuplexHandler {

    private final long timeoutMillis;
    private final LimitListener listener;
    private @Nullable ScheduledFuture<?> timer;
    /** Requests whose headers were read and whose response has not ended yet. */
    private int unanswered;

    public HeaderReadDeadline(long timeoutMillis, LimitListener listener) {
        this.timeoutMillis = timeoutMillis;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            unanswered++;
            disarm();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent && !isInterim(msg)) {
            ChannelPromise written = promise.unvoid();
            written.addListener(done -> {
                unanswered = Math.max(0, unanswered - 1);
                if (done.isSuccess() && unanswered == 0 && ctx.channel().isActive()) {
                    arm(ctx);
                }
            });
            ctx.write(msg, written);
            return;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    private static boolean isInterim(Object msg) {
        return msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    }

    private void arm(ChannelHandlerContext ctx) {
        disarm();
        timer = ctx.executor()
                .schedule(
                        () -> {
                            timer = null;
                            listener.limited(Limit.HEADER_READ, null);
                            ctx.close();
                        },
                        timeoutMillis,
                        TimeUnit.MILLISECONDS);
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}

package dev.s3seal.web.form;

import dev.s3seal.s3.form.FormDataParser;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs a form body through a {@link FormDataParser}: the head once it is read, then the file's bytes.
 * An input buffer that is all file passes on as it is; one that also holds fields or the closing
 * delimiter (the first and the last) gives a copy of its file bytes. Every input not passed on is
 * released here. The body's end runs the parser's final check, so a body that does not end as a form
 * fails after its last file bytes: the write downstream holds its last buffer back until then.
 */
final class FormBodyOperator implements Function<Flux<DataBuffer>, Flux<FormPiece>> {

    private final FormDataParser parser;
    private final DataBufferFactory bufferFactory;

    FormBodyOperator(FormDataParser parser, DataBufferFactory bufferFactory) {
        this.parser = parser;
        this.bufferFactory = bufferFactory;
    }

    @Override
    public Flux<FormPiece> apply(Flux<DataBuffer> body) {
        // Inputs wait in concatMapIterable's queue wrapped, never as bare DataBuffers: a bare one discarded
        // there would also reach every DataBuffer discard hook downstream (the write path has its own), and
        // be released twice. Only the hooks here know these two types.
        return body.map(Input::new)
                .concatMapIterable(input -> pieces(input.buffer()))
                .concatWith(Mono.fromRunnable(parser::finish))
                .doOnDiscard(Input.class, input -> DataBufferUtils.release(input.buffer()))
                .doOnDiscard(FormPiece.FileData.class, data -> DataBufferUtils.release(data.buffer()));
    }

    /** One buffer of the body, not yet parsed. */
    private record Input(DataBuffer buffer) {}

    /**
     * The pieces one input gives; the input is passed on or released. When the parser refuses it, the
     * input is left alone: concatMapIterable discards the input its mapper failed on (released by the
     * hook above), so releasing it here too would release it twice.
     */
    private List<FormPiece> pieces(DataBuffer in) {
        boolean headBefore = parser.head().isPresent();
        int fileStart = -1;
        int fileLength = 0;
        try (DataBuffer.ByteBufferIterator views = in.readableByteBuffers()) {
            int consumed = 0;
            while (views.hasNext()) {
                ByteBuffer view = views.next();
                int size = view.remaining();
                FormDataParser.FileBytes file = parser.update(view);
                if (file.length() > 0 && fileStart < 0) {
                    fileStart = consumed + file.offset();
                }
                fileLength += file.length();
                consumed += size;
            }
        }
        List<FormPiece> pieces = new ArrayList<>(2);
        if (!headBefore) {
            parser.head().map(FormPiece.Head::new).ifPresent(pieces::add);
        }
        if (fileLength > 0 && fileLength == in.readableByteCount()) {
            pieces.add(new FormPiece.FileData(in));
            return pieces;
        }
        if (fileLength > 0) {
            pieces.add(new FormPiece.FileData(copy(in, fileStart, fileLength)));
        }
        DataBufferUtils.release(in);
        return pieces;
    }

    private DataBuffer copy(DataBuffer in, int offset, int length) {
        byte[] bytes = new byte[length];
        in.readPosition(in.readPosition() + offset);
        in.read(bytes);
        return bufferFactory.wrap(bytes);
    }
}

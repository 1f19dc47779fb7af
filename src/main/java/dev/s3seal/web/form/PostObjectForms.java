package dev.s3seal.web.form;

import dev.s3seal.auth.AuthResult;
import dev.s3seal.auth.PayloadMode;
import dev.s3seal.auth.post.PostForm;
import dev.s3seal.auth.post.PostFormVerifier;
import dev.s3seal.s3.PercentCoding;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.s3.S3Request;
import dev.s3seal.s3.S3RequestParser;
import dev.s3seal.s3.form.FormBoundary;
import dev.s3seal.s3.form.FormDataParser;
import dev.s3seal.s3.form.FormHead;
import dev.s3seal.s3.operations.OperationTable;
import dev.s3seal.web.exchange.UnreadBody;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Browser form uploads (S3's PostObject), read as they stream: the fields before the file (bounded,
 * {@link FormDataParser#MAX_FIELD_BYTES}) are parsed, the form's SigV4 signature and POST policy
 * verified ({@link PostFormVerifier}), and the upload handed on as the PutObject it stores: the
 * object's headers from the form, the file's bytes as its body (never held whole), the client's
 * response turned into the form's answer ({@link PostObjectResponse}). The caller authorizes that
 * PutObject like any other (bucket grant, s3seal's policy, audit) and serves it on the PutObject path
 * of its mode, so a form upload is encrypted, refused or forwarded exactly as a PutObject would be.
 */
public final class PostObjectForms {

    private final PostFormVerifier verifier;

    public PostObjectForms(PostFormVerifier verifier) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /**
     * A verified form upload: the exchange the PutObject is served on, that PutObject, and the client
     * whose credential signed the form (its body is unsigned: the policy's conditions bind it).
     */
    public record FormUpload(ServerWebExchange exchange, S3Request put, AuthResult auth) {}

    /** Whether {@code request} is S3's PostObject: a POST to a bucket without a sub-resource. */
    public static boolean isFormUpload(S3Request request) {
        return request.hasBucket()
                && !request.hasKey()
                && OperationTable.recognise(request).operation().family() == S3Operation.POST_OBJECT;
    }

    /** Reads the form on {@code exchange} and lets {@code store} serve the upload once it is verified. */
    public Mono<Void> accept(ServerWebExchange exchange, S3Request post, Function<FormUpload, Mono<Void>> store) {
        return Mono.defer(() -> {
            long declared = declaredLength(post);
            FormDataParser parser = new FormDataParser(
                    FormBoundary.of(post.header("content-type")), declared, FormDataParser.MAX_FIELD_BYTES);
            return exchange.getRequest()
                    .getBody()
                    .transform(
                            new FormBodyOperator(parser, exchange.getResponse().bufferFactory()))
                    .switchOnFirst((first, pieces) -> {
                        if (!(first.hasValue() && first.get() instanceof FormPiece.Head head)) {
                            return pieces.then();
                        }
                        Flux<DataBuffer> file = pieces.skip(1).map(piece -> ((FormPiece.FileData) piece).buffer());
                        try {
                            return store.apply(upload(exchange, post, head.head(), file));
                        } catch (RuntimeException refused) {
                            // refused on its fields: the file is still on the wire, read it off before answering
                            return UnreadBody.discard(file, declared, exchange.getResponse())
                                    .then(Mono.error(refused));
                        }
                    })
                    .then();
        });
    }

    private FormUpload upload(ServerWebExchange exchange, S3Request post, FormHead head, Flux<DataBuffer> file) {
        PostForm form = PostForm.of(head.fields().stream()
                .map(field -> Map.entry(field.name(), field.value()))
                .toList());
        String key = form.key(head.fileName());
        var client = verifier.verify(form, post.bucket(), key, head.fileLength());
        S3Request put = S3RequestParser.formUpload(post, key, FormObjectHeaders.of(form, head.fileLength()));
        PostObjectAnswer answer = PostObjectAnswer.of(form, post.bucket(), key, location(exchange, post, key));
        ServerWebExchange putExchange = exchange.mutate()
                .request(new ServerHttpRequestDecorator(exchange.getRequest()) {
                    @Override
                    public Flux<DataBuffer> getBody() {
                        return file;
                    }
                })
                .response(new PostObjectResponse(exchange.getResponse(), answer))
                .build();
        return new FormUpload(putExchange, put, new AuthResult(client, PayloadMode.UNSIGNED, null, null));
    }

    private static long declaredLength(S3Request post) {
        String declared = post.header("content-length");
        if (declared == null) {
            // the file's length comes from the body's: without it the object could not stream with its length
            throw new S3Exception(S3ErrorCode.MISSING_CONTENT_LENGTH);
        }
        try {
            return Long.parseLong(declared.strip());
        } catch (NumberFormatException e) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Content-Length must be a number of bytes.");
        }
    }

    /** The stored object's URL as the client addressed the bucket (path or virtual host). */
    private static String location(ServerWebExchange exchange, S3Request post, String key) {
        URI uri = exchange.getRequest().getURI();
        String bucketPath = post.rawPath().endsWith("/") ? post.rawPath() : post.rawPath() + "/";
        return uri.getScheme() + "://" + uri.getRawAuthority() + bucketPath + PercentCoding.encode(key, true);
    }
}

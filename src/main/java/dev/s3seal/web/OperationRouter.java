package dev.s3seal.web;

import dev.s3seal.policy.Format;
import dev.s3seal.policy.Mode;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3OperationHandler;
import dev.s3seal.web.ssec.InjectedSseCHandler;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import reactor.core.publisher.Mono;

/**
 * Picks the handler for a request from its operation family and the policy's mode. Everything
 * s3seal does not need to understand is forwarded unchanged; what the mode makes s3seal's
 * business gets its own handler, and what s3seal cannot yet do under a mode is refused.
 */
public final class OperationRouter {

    private final S3OperationHandler forward;
    private final S3OperationHandler encryptedObjects;
    private final S3OperationHandler encryptedListings;
    private final S3OperationHandler serverSideEncryption;
    private final S3OperationHandler deleteObjects;
    private final BooleanSupplier anyClientSideRule;
    private final S3OperationHandler encryptedMultipart;
    private final InjectedSseCHandler injectedSseC;
    private final S3OperationHandler emulatedSseC;
    private final S3OperationHandler encryptedCopy;
    private final S3OperationHandler refuse = new RefusingHandler();

    private OperationRouter(Builder built) {
        this.forward = Objects.requireNonNull(built.forward, "forward");
        this.encryptedObjects = Objects.requireNonNull(built.encryptedObjects, "encryptedObjects");
        this.encryptedListings = Objects.requireNonNull(built.encryptedListings, "encryptedListings");
        this.serverSideEncryption = Objects.requireNonNull(built.serverSideEncryption, "serverSideEncryption");
        this.encryptedMultipart = Objects.requireNonNull(built.encryptedMultipart, "encryptedMultipart");
        this.encryptedCopy = Objects.requireNonNull(built.encryptedCopy, "encryptedCopy");
        this.deleteObjects = Objects.requireNonNull(built.deleteObjects, "deleteObjects");
        this.injectedSseC = Objects.requireNonNull(built.injectedSseC, "injectedSseC");
        this.emulatedSseC = Objects.requireNonNull(built.emulatedSseC, "emulatedSseC");
        this.anyClientSideRule = Objects.requireNonNull(built.anyClientSideRule, "anyClientSideRule");
    }

    /** Names each handler where the router is built: they share one type, so positions would be easy to swap. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every handler is required; {@link #build()} says which one is missing. */
    public static final class Builder {

        private S3OperationHandler forward;
        private S3OperationHandler encryptedObjects;
        private S3OperationHandler encryptedListings;
        private S3OperationHandler serverSideEncryption;
        private S3OperationHandler encryptedMultipart;
        private S3OperationHandler encryptedCopy;
        private S3OperationHandler deleteObjects;
        private InjectedSseCHandler injectedSseC;
        private S3OperationHandler emulatedSseC;
        private BooleanSupplier anyClientSideRule;

        private Builder() {}

        /** Requests s3seal does not need to understand, sent upstream as they came. */
        public Builder forward(S3OperationHandler handler) {
            this.forward = handler;
            return this;
        }

        /** GetObject, PutObject, HeadObject under the client-side modes. */
        public Builder encryptedObjects(S3OperationHandler handler) {
            this.encryptedObjects = handler;
            return this;
        }

        /** Listings with plaintext sizes and ETags. */
        public Builder encryptedListings(S3OperationHandler handler) {
            this.encryptedListings = handler;
            return this;
        }

        /** Writes under sse-s3 and sse-kms: the rule's headers added. */
        public Builder serverSideEncryption(S3OperationHandler handler) {
            this.serverSideEncryption = handler;
            return this;
        }

        /** Multipart uploads under the client-side modes. */
        public Builder encryptedMultipart(S3OperationHandler handler) {
            this.encryptedMultipart = handler;
            return this;
        }

        /** Copies s3seal makes itself (a side it encrypts). */
        public Builder encryptedCopy(S3OperationHandler handler) {
            this.encryptedCopy = handler;
            return this;
        }

        /** DeleteObjects, each key decided by the policy. */
        public Builder deleteObjects(S3OperationHandler handler) {
            this.deleteObjects = handler;
            return this;
        }

        /** sse-c inject: s3seal's customer key added upstream. */
        public Builder injectedSseC(InjectedSseCHandler handler) {
            this.injectedSseC = handler;
            return this;
        }

        /** sse-c emulated: objects and multipart uploads under the client's key. */
        public Builder emulatedSseC(S3OperationHandler handler) {
            this.emulatedSseC = handler;
            return this;
        }

        /**
         * Whether the policy in force has a client-side rule (or an sse-c emulated one) anywhere: then
         * every listing goes through the size rewriter, decided per entry.
         */
        public Builder anyClientSideRule(BooleanSupplier anyClientSideRule) {
            this.anyClientSideRule = anyClientSideRule;
            return this;
        }

        public OperationRouter build() {
            return new OperationRouter(this);
        }
    }

    public S3OperationHandler handlerFor(ProxyExchange exchange) {
        Mode mode = exchange.decision().mode();
        S3Operation operation = exchange.operation();
        if (operation == S3Operation.POST_OBJECT) {
            // a form upload reaches the router as the PutObject it stores (S3Gateway, web.form.PostObjectForms),
            // routed by its mode like any PutObject; a PostObject itself is never forwarded
            return refuse;
        }
        if (mode != Mode.DENY && operation == S3Operation.DELETE_OBJECTS) {
            return deleteObjects;
        }
        if (mode != Mode.DENY
                && (operation == S3Operation.LIST_OBJECTS || operation == S3Operation.LIST_OBJECT_VERSIONS)
                && anyClientSideRule.getAsBoolean()) {
            return encryptedListings;
        }
        if (mode != Mode.DENY && exchange.copySourceDecision() != null) {
            S3OperationHandler copy = copyHandler(exchange.decision(), exchange.copySourceDecision());
            if (copy != null) {
                return copy;
            }
        }
        S3OperationHandler byMode = byMode(exchange);
        // a copy the upstream makes from an injected-key source into a destination with other settings
        if (InjectedSseCHandler.injectedSource(exchange.copySourceDecision())
                && byMode != injectedSseC
                && byMode != refuse) {
            return injectedSseC.readingInjectedSource(byMode);
        }
        return byMode;
    }

    private S3OperationHandler byMode(ProxyExchange exchange) {
        S3Operation operation = exchange.operation();
        return switch (exchange.decision().mode()) {
            case CSE_LOCAL, CSE_KMS -> clientSide(exchange);
            case SSE_S3, SSE_KMS -> serverSide(exchange.operation());
            case SSE_C ->
                switch (exchange.decision().sseCVariant()) {
                    case PASS_THROUGH -> forward;
                    case INJECT -> injectedSseC;
                    case EMULATED -> clientSide(exchange);
                };
            case PASSTHROUGH -> forward;
            case DENY -> refuse;
        };
    }

    private S3OperationHandler clientSide(ProxyExchange exchange) {
        if (exchange.decision().options().format() == Format.S3EC_V3) {
            return s3ecFormat(exchange);
        }
        // sse-c emulated: the same format and operations, with the customer key the client sends
        boolean emulated = exchange.decision().mode() == Mode.SSE_C;
        S3OperationHandler objects = emulated ? emulatedSseC : encryptedObjects;
        S3OperationHandler multipart = emulated ? emulatedSseC : encryptedMultipart;
        return switch (exchange.operation()) {
            case GET_OBJECT, PUT_OBJECT, HEAD_OBJECT -> objects;
            case LIST_OBJECTS, LIST_OBJECT_VERSIONS -> encryptedListings;
            case CREATE_MULTIPART_UPLOAD, UPLOAD_PART, COMPLETE_MULTIPART_UPLOAD, LIST_PARTS, ABORT_MULTIPART_UPLOAD ->
                multipart;
            case COPY_OBJECT, UPLOAD_PART_COPY, SELECT_OBJECT_CONTENT -> refuse;
            case OTHER ->
                !exchange.request().hasKey() || S3Operation.isMetadataOnlySubResource(exchange.request())
                        ? forward
                        : refuse;
            default -> forward;
        };
    }

    /**
     * CopyObject and UploadPartCopy whose source or destination s3seal encrypts (client-side, in
     * either format, or sse-c emulated) go to s3seal's copy (the upstream alone would copy ciphertext
     * under a key bound to the old name, or plaintext where the policy wants ciphertext); null when
     * neither side is, or when the destination's rule writes the s3ec format: {@link #s3ecFormat}
     * then decides (single copies only).
     */
    private S3OperationHandler copyHandler(PolicyDecision destination, PolicyDecision source) {
        if (!source.encryptsBody() && !destination.encryptsBody()) {
            return null;
        }
        // sse-c the upstream does (inject, pass-through) on either side of such a copy is not built:
        // refused, never half-copied
        if (upstreamSseC(source) || upstreamSseC(destination)) {
            return refuse;
        }
        return destination.options().format() == Format.S3EC_V3 ? null : encryptedCopy;
    }

    private static boolean upstreamSseC(PolicyDecision decision) {
        return decision.mode() == Mode.SSE_C && !decision.emulatesSseC();
    }

    /**
     * Under {@code format: s3ec-v3} single PUTs, CopyObject and reads are served; the client format's multipart
     * encrypts the parts in order as one cipher stream, state a stateless proxy cannot carry between replicas, so
     * uploads (UploadPartCopy too) are refused (an upload begun under another format may still be aborted).
     */
    private S3OperationHandler s3ecFormat(ProxyExchange exchange) {
        return switch (exchange.operation()) {
            case GET_OBJECT, PUT_OBJECT, HEAD_OBJECT -> encryptedObjects;
            case LIST_OBJECTS, LIST_OBJECT_VERSIONS -> encryptedListings;
            case ABORT_MULTIPART_UPLOAD -> encryptedMultipart;
            case CREATE_MULTIPART_UPLOAD, UPLOAD_PART, UPLOAD_PART_COPY, COMPLETE_MULTIPART_UPLOAD, LIST_PARTS ->
                S3EC_MULTIPART;
            case COPY_OBJECT -> exchange.copySourceDecision() != null ? encryptedCopy : refuse;
            case SELECT_OBJECT_CONTENT -> refuse;
            case OTHER ->
                !exchange.request().hasKey() || S3Operation.isMetadataOnlySubResource(exchange.request())
                        ? forward
                        : refuse;
            default -> forward;
        };
    }

    private static final S3OperationHandler S3EC_MULTIPART = exchange -> Mono.error(new S3Exception(
            S3ErrorCode.NOT_IMPLEMENTED,
            "Multipart uploads are not"
                    + " supported under format s3ec-v3: the AWS S3 Encryption Client format encrypts all parts as one"
                    + " sequential cipher stream, which a stateless proxy cannot continue across requests. Upload with"
                    + " a single PUT (up to 5 GiB), or use format s3seal for multipart uploads."));

    private S3OperationHandler serverSide(S3Operation operation) {
        return switch (operation) {
            case PUT_OBJECT, COPY_OBJECT, CREATE_MULTIPART_UPLOAD -> serverSideEncryption;
            default -> forward;
        };
    }
}

package dev.s3seal.web;

import dev.s3seal.s3.S3Request;

/**
 * Picks the handler for a request's operation family. Everything s3seal does not need to
 * understand is forwarded unchanged; families that need s3seal's attention get their own handler.
 */
public final class OperationRouter {

    private final S3OperationHandler forward;

    public OperationRouter(S3OperationHandler forward) {
        this.forward = forward;
    }

    public S3OperationHandler handlerFor(S3Request request) {
        return forward;
    }
}

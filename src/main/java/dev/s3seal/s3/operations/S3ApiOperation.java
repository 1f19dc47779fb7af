package dev.s3seal.s3.operations;

import dev.s3seal.policy.Operation;
import dev.s3seal.s3.S3Operation;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One operation of the S3 API reference as s3seal recognises it: the method and the sub-resource
 * names that identify it at its level, the query parameters it accepts (with the value each may
 * carry), and how the policy classes it. See {@link OperationTable} for the whole table.
 *
 * @param name            the operation's name in the S3 API reference
 * @param subResources    the identifying names ({@link OperationTable#SUB_RESOURCES}) it carries, exactly
 * @param parameters      every query parameter it accepts, sub-resources included, with its rule
 * @param required        parameters it cannot do without (a part number, a configuration id)
 * @param copySource      whether {@code x-amz-copy-source} tells it from its twin (PutObject / CopyObject)
 * @param family          how s3seal's handlers treat it
 * @param policyOperation the class the policy's {@code operations} condition sees
 */
public record S3ApiOperation(
        String name,
        String method,
        Level level,
        Set<String> subResources,
        Map<String, ParameterRule> parameters,
        Set<String> required,
        CopySourceHeader copySource,
        S3Operation family,
        Operation policyOperation) {

    /** What a request addresses. */
    public enum Level {
        SERVICE,
        BUCKET,
        OBJECT
    }

    /** The part {@code x-amz-copy-source} plays in recognising an operation. */
    public enum CopySourceHeader {
        /** Only without the header (PutObject, UploadPart). */
        ABSENT,
        /** Only with the header (CopyObject, UploadPartCopy). */
        PRESENT,
        /** The header does not decide (the gateway refuses it on operations that are not copies). */
        IRRELEVANT;

        boolean admits(boolean present) {
            return this == IRRELEVANT || (this == PRESENT) == present;
        }
    }

    /** Builds one row of {@link OperationTable}. */
    static final class Builder {
        private final String name;
        private final String method;
        private final Level level;
        private final S3Operation family;
        private final Operation policyOperation;
        private final Set<String> subResources = new HashSet<>();
        private final Map<String, ParameterRule> parameters = new LinkedHashMap<>();
        private final Set<String> required = new HashSet<>();
        private CopySourceHeader copySource = CopySourceHeader.IRRELEVANT;

        Builder(String name, String method, Level level, S3Operation family, Operation policyOperation) {
            this.name = name;
            this.method = method;
            this.level = level;
            this.family = family;
            this.policyOperation = policyOperation;
        }

        /** A sub-resource flag that identifies the operation. */
        Builder sub(String subResource) {
            return sub(subResource, ParameterRule.FLAG);
        }

        /** A sub-resource that identifies the operation and carries a value ({@code uploadId}, {@code list-type}). */
        Builder sub(String subResource, ParameterRule rule) {
            subResources.add(subResource);
            parameters.put(subResource, rule);
            return this;
        }

        Builder params(Map<String, ParameterRule> accepted) {
            parameters.putAll(accepted);
            return this;
        }

        Builder required(String parameter, ParameterRule rule) {
            required.add(parameter);
            parameters.put(parameter, rule);
            return this;
        }

        Builder copySource(CopySourceHeader header) {
            copySource = header;
            return this;
        }

        S3ApiOperation build() {
            return new S3ApiOperation(
                    name,
                    method,
                    level,
                    Set.copyOf(subResources),
                    Map.copyOf(parameters),
                    Set.copyOf(required),
                    copySource,
                    family,
                    policyOperation);
        }
    }

    /**
     * What the policy decides on as the key: the object key for object operations, the listing
     * prefix for listings, nothing for other bucket and service operations.
     */
    public boolean decidesOnPrefix() {
        return policyOperation == Operation.LIST;
    }
}

package dev.s3seal.auth.post;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A POST policy document: {@code {"expiration": "...", "conditions": [...]}}, base64 of UTF-8 JSON,
 * exactly the string the form's signature signs. Parsing refuses what S3 refuses with
 * {@code InvalidPolicyDocument}; {@link PostPolicyCheck} then holds a form to it.
 */
public record PostPolicy(Instant expiration, List<PostCondition> conditions) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public PostPolicy {
        conditions = List.copyOf(conditions);
    }

    public static PostPolicy parse(String base64) {
        JsonNode root;
        try {
            byte[] json = Base64.getMimeDecoder().decode(base64);
            root = JSON.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | JacksonException e) {
            throw invalid("Invalid JSON.");
        }
        if (root == null || !root.isObject()) {
            throw invalid("Invalid JSON.");
        }
        JsonNode expiration = root.get("expiration");
        if (expiration == null) {
            throw invalid("Policy missing expiration.");
        }
        JsonNode conditions = root.get("conditions");
        if (conditions == null) {
            throw invalid("Policy missing conditions.");
        }
        if (!conditions.isArray()) {
            throw invalid("Invalid 'conditions' value: must be a list.");
        }
        List<PostCondition> parsed = new ArrayList<>();
        for (JsonNode condition : conditions) {
            parsed.addAll(condition(condition));
        }
        return new PostPolicy(expirationOf(expiration), parsed);
    }

    private static Instant expirationOf(JsonNode node) {
        if (!node.isString()) {
            throw invalid("Invalid 'expiration' value: must be an ISO 8601 date and time in UTC.");
        }
        try {
            return Instant.parse(node.asString());
        } catch (DateTimeParseException e) {
            throw invalid("Invalid 'expiration' value: '" + node.asString() + "'");
        }
    }

    private static List<PostCondition> condition(JsonNode node) {
        if (node.isObject()) {
            // {"field": "value"}: exact match, one condition per member
            List<PostCondition> exact = new ArrayList<>();
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                if (!member.getValue().isValueNode() || member.getValue().isNull()) {
                    throw invalid("Invalid Condition: " + node);
                }
                exact.add(new PostCondition.Exact(
                        lower(member.getKey()), member.getValue().asString()));
            }
            return exact;
        }
        if (!node.isArray() || node.size() != 3 || !node.get(0).isString()) {
            throw invalid("Invalid Condition: " + node);
        }
        String operator = node.get(0).asString().toLowerCase(Locale.ROOT);
        return switch (operator) {
            case "eq" -> List.of(new PostCondition.Exact(fieldReference(node), value(node)));
            case "starts-with" -> List.of(new PostCondition.StartsWith(fieldReference(node), value(node)));
            case "content-length-range" ->
                List.of(new PostCondition.ContentLengthRange(bound(node, node.get(1)), bound(node, node.get(2))));
            default -> throw invalid("Invalid Condition: " + node);
        };
    }

    /** {@code "$field"} in an array condition. */
    private static String fieldReference(JsonNode condition) {
        JsonNode field = condition.get(1);
        if (!field.isString()
                || !field.asString().startsWith("$")
                || field.asString().length() < 2) {
            throw invalid("Invalid Condition: " + condition);
        }
        return lower(field.asString().substring(1));
    }

    private static String value(JsonNode condition) {
        JsonNode value = condition.get(2);
        if (!value.isValueNode() || value.isNull()) {
            throw invalid("Invalid Condition: " + condition);
        }
        return value.asString();
    }

    private static long bound(JsonNode condition, JsonNode value) {
        try {
            if (value.isIntegralNumber()) {
                return value.asLong();
            }
            if (value.isString()) {
                return Long.parseLong(value.asString().strip());
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw invalid("Invalid Condition: " + condition);
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static S3Exception invalid(String detail) {
        return new S3Exception(S3ErrorCode.INVALID_POLICY_DOCUMENT, "Invalid Policy: " + detail);
    }
}

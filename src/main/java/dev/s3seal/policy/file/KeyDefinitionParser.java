package dev.s3seal.policy.file;

import dev.s3seal.crypto.RecordedContext;
import dev.s3seal.policy.KeyDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/** Reads the {@code keys:} section of a policy file. */
final class KeyDefinitionParser {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** Encoded size ({@link RecordedContext}) an encryption context may have: it is stored with every cse-kms object. */
    static final int MAX_CONTEXT_BYTES = 256;

    private static final List<String> KMS_FIELDS = List.of("type", "key-id", "encryption-context", "bucket-key");
    private static final List<String> LOCAL_FIELDS = List.of("type", "versions", "active-version");
    private static final List<String> VERSION_FIELDS = List.of("version", "file", "env");
    private static final List<String> CUSTOMER_FIELDS = List.of("type", "file", "env");

    private final String source;

    KeyDefinitionParser(String source) {
        this.source = source;
    }

    /** Key definitions by name, in file order, with the line each was defined at. */
    Map<String, Defined> parse(Node keysNode) {
        Map<String, Defined> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : YamlFields.mapping(source, keysNode, "'keys'").getValue()) {
            Node nameNode = tuple.getKeyNode();
            String name = YamlFields.scalar(source, nameNode, "a key name");
            if (!NAME.matcher(name).matches()) {
                throw YamlFields.error(
                        source, nameNode, "key name '" + name + "' must use letters, digits, '.', '_' and '-' only");
            }
            if (keys.containsKey(name)) {
                throw YamlFields.error(
                        source,
                        nameNode,
                        "duplicate key name '" + name + "' (first defined at line "
                                + keys.get(name).line() + ")");
            }
            keys.put(name, new Defined(definition(name, tuple.getValueNode()), YamlFields.line(nameNode)));
        }
        return keys;
    }

    record Defined(KeyDefinition definition, int line) {}

    private KeyDefinition definition(String name, Node node) {
        String what = "key '" + name + "'";
        String type = YamlFields.peek(source, node, what, "type");
        if (type == null) {
            throw YamlFields.error(source, node, what + " needs 'type' (kms, local or customer)");
        }
        return switch (type) {
            case "kms" -> kms(name, YamlFields.of(source, node, what, KMS_FIELDS));
            case "local" -> local(name, YamlFields.of(source, node, what, LOCAL_FIELDS));
            case "customer" -> customer(name, YamlFields.of(source, node, what, CUSTOMER_FIELDS));
            default ->
                throw YamlFields.error(
                        source,
                        YamlFields.peekNode(source, node, what, "type"),
                        "unknown type '" + type + "' of " + what + "; expected kms, local or customer");
        };
    }

    private KeyDefinition kms(String name, YamlFields fields) {
        String keyId = fields.string("key-id");
        Map<String, String> context = fields.stringMap("encryption-context");
        for (String contextKey : context.keySet()) {
            String lower = contextKey.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("aws:") || lower.startsWith("s3seal:")) {
                throw fields.error(
                        "encryption-context",
                        "encryption context key '" + contextKey + "' of key '" + name
                                + "' is reserved (aws: and s3seal: are set by S3 and s3seal)");
            }
        }
        if (RecordedContext.encode(context).length > MAX_CONTEXT_BYTES) {
            // cse-kms records the context in the object's metadata, whose budget is 1 KiB (docs/format.md 8)
            throw fields.error(
                    "encryption-context",
                    "encryption context of key '" + name + "' takes more than " + MAX_CONTEXT_BYTES
                            + " bytes (each name and value in UTF-8 plus 2)");
        }
        return new KeyDefinition.KmsKey(name, keyId, context, fields.bool("bucket-key", false));
    }

    private KeyDefinition local(String name, YamlFields fields) {
        String what = "key '" + name + "'";
        if (!fields.has("versions")) {
            throw fields.error(what + " needs 'versions' (a list of {version, file or env})");
        }
        Node versionsNode = fields.node("versions");
        if (!(versionsNode instanceof org.yaml.snakeyaml.nodes.SequenceNode sequence)
                || sequence.getValue().isEmpty()) {
            throw YamlFields.error(source, versionsNode, "'versions' of " + what + " must be a non-empty list");
        }
        List<KeyDefinition.LocalKeyVersion> versions = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            YamlFields version = YamlFields.of(source, item, "a version of " + what, VERSION_FIELDS);
            int number = version.integer("version");
            if (number < 1) {
                throw version.error("version", "version numbers of " + what + " start at 1");
            }
            if (versions.stream().anyMatch(v -> v.version() == number)) {
                throw version.error("version", "duplicate version " + number + " of " + what);
            }
            String[] location = fileOrEnv(version, "version " + number + " of " + what);
            versions.add(new KeyDefinition.LocalKeyVersion(number, location[0], location[1]));
        }
        int highest = versions.stream()
                .mapToInt(KeyDefinition.LocalKeyVersion::version)
                .max()
                .orElseThrow();
        int active = fields.has("active-version") ? fields.integer("active-version") : highest;
        if (versions.stream().noneMatch(v -> v.version() == active)) {
            throw fields.error(
                    "active-version", "active-version " + active + " of " + what + " is not one of its versions");
        }
        return new KeyDefinition.LocalKey(name, versions, active);
    }

    private KeyDefinition customer(String name, YamlFields fields) {
        String[] location = fileOrEnv(fields, "key '" + name + "'");
        return new KeyDefinition.CustomerKey(name, location[0], location[1]);
    }

    private static String[] fileOrEnv(YamlFields fields, String what) {
        String file = fields.optionalString("file");
        String env = fields.optionalString("env");
        if ((file == null) == (env == null)) {
            throw fields.error(what + " needs exactly one of 'file' and 'env'");
        }
        return new String[] {file, env};
    }
}

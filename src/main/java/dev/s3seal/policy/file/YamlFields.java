package dev.s3seal.policy.file;

import dev.s3seal.policy.PolicyException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Strict, line-aware reading of one YAML mapping: duplicate and unknown fields are refused, and
 * every problem becomes a {@link PolicyException} naming the line of the offending node.
 */
final class YamlFields {

    private final String source;
    private final Node node;
    private final String what;
    private final Map<String, Node> values = new LinkedHashMap<>();
    private final Map<String, Node> keys = new LinkedHashMap<>();

    private YamlFields(String source, Node node, String what) {
        this.source = source;
        this.node = node;
        this.what = what;
    }

    /** Reads {@code node} as a mapping whose field names are all in {@code allowed}. */
    static YamlFields of(String source, Node node, String what, List<String> allowed) {
        YamlFields fields = new YamlFields(source, node, what);
        for (NodeTuple tuple : mapping(source, node, what).getValue()) {
            String name = scalar(source, tuple.getKeyNode(), "a field name in " + what);
            if (fields.keys.containsKey(name)) {
                throw error(
                        source,
                        tuple.getKeyNode(),
                        "duplicate field '" + name + "' in " + what + " (first at line " + line(fields.keys.get(name))
                                + ")");
            }
            if (!allowed.contains(name)) {
                throw error(
                        source,
                        tuple.getKeyNode(),
                        "unknown field '" + name + "' in " + what + "; expected one of: " + String.join(", ", allowed));
            }
            fields.keys.put(name, tuple.getKeyNode());
            fields.values.put(name, tuple.getValueNode());
        }
        return fields;
    }

    /** The text of one field of a mapping, read leniently (null when absent or not a single value). */
    static @Nullable String peek(String source, Node node, String what, String field) {
        return peekNode(source, node, what, field) instanceof ScalarNode value ? value.getValue() : null;
    }

    /** The value node of one field of a mapping, or null when absent. */
    static @Nullable Node peekNode(String source, Node node, String what, String field) {
        for (NodeTuple tuple : mapping(source, node, what).getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals(field)) {
                return tuple.getValueNode();
            }
        }
        return null;
    }

    static MappingNode mapping(String source, Node node, String what) {
        if (node instanceof MappingNode mapping) {
            return mapping;
        }
        throw error(source, node, what + " must be a mapping (name: value)");
    }

    static String scalar(String source, Node node, String what) {
        if (node instanceof ScalarNode scalar && !scalar.getTag().getValue().endsWith(":null")) {
            return scalar.getValue();
        }
        throw error(source, node, what + " must be a single value");
    }

    static int line(Node node) {
        return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
    }

    static PolicyException error(String source, Node node, String problem) {
        return new PolicyException(source, line(node), problem);
    }

    PolicyException error(String problem) {
        return error(source, node, problem);
    }

    PolicyException error(String field, String problem) {
        return error(source, values.get(field), problem);
    }

    int line() {
        return line(node);
    }

    boolean has(String field) {
        return values.containsKey(field);
    }

    /** The value node of a field that {@link #has} it. */
    Node node(String field) {
        return values.get(field);
    }

    String string(String field) {
        if (!has(field)) {
            throw error(what + " needs '" + field + "'");
        }
        return optionalString(field);
    }

    /** The field's text, or null when absent; blank values are refused. */
    @Nullable
    String optionalString(String field) {
        if (!has(field)) {
            return null;
        }
        String value = scalar(source, values.get(field), "'" + field + "' in " + what);
        if (value.isBlank()) {
            throw error(field, "'" + field + "' in " + what + " is empty");
        }
        return value;
    }

    boolean bool(String field, boolean absent) {
        if (!has(field)) {
            return absent;
        }
        String value = scalar(source, values.get(field), "'" + field + "' in " + what);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(field, "'" + field + "' in " + what + " must be true or false, not '" + value + "'");
        };
    }

    int integer(String field) {
        String value = string(field);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw error(field, "'" + field + "' in " + what + " must be a whole number, not '" + value + "'");
        }
    }

    /** A list of non-empty values (a single value is a list of one); absent is empty, {@code []} is refused. */
    List<String> strings(String field) {
        if (!has(field)) {
            return List.of();
        }
        Node value = values.get(field);
        List<Node> items = value instanceof SequenceNode sequence ? sequence.getValue() : List.of(value);
        if (items.isEmpty()) {
            throw error(field, "'" + field + "' in " + what + " is empty; leave it out to match anything");
        }
        List<String> result = new ArrayList<>(items.size());
        for (Node item : items) {
            String text = scalar(source, item, "each entry of '" + field + "' in " + what);
            if (text.isEmpty()) {
                throw error(source, item, "empty entry in '" + field + "' of " + what);
            }
            result.add(text);
        }
        return result;
    }

    /** The nodes behind {@link #strings}, for pointing at one bad entry. */
    List<Node> itemNodes(String field) {
        Node value = values.get(field);
        return value instanceof SequenceNode sequence ? sequence.getValue() : List.of(value);
    }

    /** A mapping of text to text (absent is empty). */
    Map<String, String> stringMap(String field) {
        if (!has(field)) {
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (NodeTuple tuple :
                mapping(source, values.get(field), "'" + field + "' in " + what).getValue()) {
            String key = scalar(source, tuple.getKeyNode(), "a name in '" + field + "'");
            if (result.containsKey(key)) {
                throw error(source, tuple.getKeyNode(), "duplicate entry '" + key + "' in '" + field + "'");
            }
            result.put(key, scalar(source, tuple.getValueNode(), "'" + key + "' in '" + field + "'"));
        }
        return result;
    }
}

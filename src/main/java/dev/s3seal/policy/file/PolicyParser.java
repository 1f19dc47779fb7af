package dev.s3seal.policy.file;

import dev.s3seal.policy.Glob;
import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.policy.Mode;
import dev.s3seal.policy.Operation;
import dev.s3seal.policy.Policy;
import dev.s3seal.policy.PolicyException;
import dev.s3seal.policy.Rule;
import dev.s3seal.policy.RuleOptions;
import dev.s3seal.policy.SseCVariant;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a policy file strictly: unknown fields, duplicate names, unreachable rules and keys that do
 * not fit a rule's mode are all refused with a {@link PolicyException} naming file and line.
 * The format is documented in {@code docs/policy.md} and {@code config/policy-example.yaml}.
 */
public final class PolicyParser {

    /** Policy files are small; anything larger is a mistake (or an attack on the parser). */
    public static final int MAX_BYTES = 1024 * 1024;

    private static final List<String> TOP_FIELDS = List.of("keys", "rules");
    private static final List<String> RULE_FIELDS = List.of(
            "name",
            "buckets",
            "key-prefixes",
            "key-globs",
            "principals",
            "operations",
            "mode",
            "variant",
            "key",
            "options");

    private final String source;

    private PolicyParser(String source) {
        this.source = source;
    }

    /** Parses a policy file; the message of any error starts with the file's path and the line. */
    public static Policy parse(Path file) {
        String source = file.toString();
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new PolicyException(source, 1, "policy file is larger than " + MAX_BYTES + " bytes");
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8), source);
        } catch (IOException e) {
            throw new PolicyException(source, 0, "cannot read policy file: " + e);
        }
    }

    /** @param sourceName the file name used in error messages */
    public static Policy parse(String yaml, String sourceName) {
        return new PolicyParser(sourceName).document(yaml);
    }

    private Policy document(String yaml) {
        if (yaml.length() > MAX_BYTES) {
            throw new PolicyException(source, 1, "policy file is larger than " + MAX_BYTES + " bytes");
        }
        Node root = compose(yaml);
        if (root == null) {
            throw new PolicyException(source, 1, "empty policy file; expected 'keys' and 'rules'");
        }
        YamlFields top = YamlFields.of(source, root, "the policy", TOP_FIELDS);
        Map<String, KeyDefinitionParser.Defined> keys =
                top.has("keys") ? new KeyDefinitionParser(source).parse(top.node("keys")) : Map.of();
        if (!top.has("rules")) {
            throw top.error("the policy needs 'rules' (a list that ends with a default rule)");
        }
        List<Rule> rules = rules(top.node("rules"), keys);
        Map<String, KeyDefinition> definitions = new LinkedHashMap<>();
        keys.forEach((name, defined) -> definitions.put(name, defined.definition()));
        return new Policy(source, definitions, rules);
    }

    private Node compose(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setCodePointLimit(MAX_BYTES);
        try {
            return new Yaml(new SafeConstructor(options)).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            var mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = mark == null ? 1 : mark.getLine() + 1;
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            throw new PolicyException(source, line, "YAML syntax error: " + oneLine(problem));
        } catch (YAMLException e) {
            throw new PolicyException(source, 1, "YAML error: " + oneLine(e.getMessage()));
        }
    }

    private static String oneLine(@Nullable String text) {
        return text == null ? "unknown problem" : text.replaceAll("\\s+", " ").trim();
    }

    private List<Rule> rules(Node rulesNode, Map<String, KeyDefinitionParser.Defined> keys) {
        if (!(rulesNode instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
            throw YamlFields.error(source, rulesNode, "'rules' must be a non-empty list of rules");
        }
        List<Rule> rules = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        Rule defaultRule = null;
        for (Node node : sequence.getValue()) {
            Rule rule = rule(node, keys);
            Integer first = names.putIfAbsent(rule.name(), rule.line());
            if (first != null) {
                throw YamlFields.error(
                        source,
                        node,
                        "duplicate rule name '" + rule.name() + "' (first defined at line " + first + ")");
            }
            if (defaultRule != null) {
                throw YamlFields.error(
                        source,
                        node,
                        "rule '" + rule.name() + "' is unreachable: it comes after the"
                                + " default rule '" + defaultRule.name() + "' (line " + defaultRule.line()
                                + "), which matches every request");
            }
            if (rule.isDefault()) {
                defaultRule = rule;
            }
            rules.add(rule);
        }
        if (defaultRule == null) {
            throw YamlFields.error(
                    source,
                    rulesNode,
                    "no default rule: the last rule must have no buckets,"
                            + " key-prefixes, key-globs, principals or operations, so that every request matches a rule");
        }
        return rules;
    }

    private Rule rule(Node node, Map<String, KeyDefinitionParser.Defined> keys) {
        String peeked = YamlFields.peek(source, node, "a rule", "name");
        YamlFields named =
                YamlFields.of(source, node, peeked == null ? "a rule" : "rule '" + peeked + "'", RULE_FIELDS);
        String name = named.string("name");
        if (!KeyDefinitionParser.NAME.matcher(name).matches()) {
            throw named.error("name", "rule name '" + name + "' must use letters, digits, '.', '_' and '-' only");
        }
        String what = "rule '" + name + "'";
        List<String> buckets = globs(named, "buckets");
        List<String> prefixes = named.strings("key-prefixes");
        List<String> keyGlobs = globs(named, "key-globs");
        Set<String> principals = new LinkedHashSet<>(named.strings("principals"));
        Set<Operation> operations = operations(named, what);
        Mode mode = mode(named, what);
        SseCVariant variant = variant(named, what, mode);
        String keyName = named.optionalString("key");
        checkKey(named, what, mode, variant, keyName, keys);
        RuleOptions options = new RuleOptionsParser(source).parse(named, what, mode, variant);
        return new Rule(
                name,
                buckets,
                prefixes,
                keyGlobs,
                principals,
                operations,
                mode,
                variant,
                keyName,
                options,
                named.line());
    }

    private List<String> globs(YamlFields fields, String field) {
        List<String> globs = fields.strings(field);
        for (int i = 0; i < globs.size(); i++) {
            try {
                Glob.compile(globs.get(i));
            } catch (IllegalArgumentException e) {
                throw YamlFields.error(
                        source, fields.itemNodes(field).get(i), "bad glob in '" + field + "': " + e.getMessage());
            }
        }
        return globs;
    }

    private Set<Operation> operations(YamlFields fields, String what) {
        Set<Operation> operations = EnumSet.noneOf(Operation.class);
        for (String name : fields.strings("operations")) {
            operations.add(Operation.fromYaml(name)
                    .orElseThrow(() -> fields.error(
                            "operations",
                            "unknown operation '" + name + "' in " + what
                                    + "; expected read, write, delete, list or other")));
        }
        return operations;
    }

    private Mode mode(YamlFields fields, String what) {
        String name = fields.string("mode");
        return Mode.fromYaml(name)
                .orElseThrow(() -> fields.error(
                        "mode", "unknown mode '" + name + "' in " + what + "; expected one of: " + Mode.yamlNames()));
    }

    private @Nullable SseCVariant variant(YamlFields fields, String what, Mode mode) {
        String name = fields.optionalString("variant");
        if (mode != Mode.SSE_C) {
            if (name != null) {
                throw fields.error(
                        "variant", "'variant' applies to mode sse-c only, not to " + what + " (mode " + mode + ")");
            }
            return null;
        }
        if (name == null) {
            return SseCVariant.PASS_THROUGH;
        }
        return SseCVariant.fromYaml(name)
                .orElseThrow(() -> fields.error(
                        "variant",
                        "unknown sse-c variant '" + name + "' in " + what
                                + "; expected pass-through, inject or emulated"));
    }

    private void checkKey(
            YamlFields fields,
            String what,
            Mode mode,
            @Nullable SseCVariant variant,
            @Nullable String keyName,
            Map<String, KeyDefinitionParser.Defined> keys) {
        String needed = switch (mode) {
            case SSE_KMS, CSE_KMS -> "kms";
            case CSE_LOCAL -> "local";
            case SSE_C -> variant == SseCVariant.INJECT ? "customer" : null;
            case SSE_S3, PASSTHROUGH, DENY -> null;
        };
        String modeName = mode == Mode.SSE_C ? "sse-c " + variant : mode.yamlName();
        if (needed == null) {
            if (keyName != null) {
                throw fields.error(
                        "key", what + " (mode " + modeName + ") takes no key; remove 'key: " + keyName + "'");
            }
            return;
        }
        if (keyName == null) {
            throw fields.error(
                    what + " (mode " + modeName + ") needs 'key', the name of a " + needed + " key defined under keys");
        }
        KeyDefinitionParser.Defined defined = keys.get(keyName);
        if (defined == null) {
            throw fields.error("key", what + " uses key '" + keyName + "' which is not defined under keys");
        }
        KeyDefinition definition = defined.definition();
        String actual = definition instanceof KeyDefinition.KmsKey
                ? "kms"
                : definition instanceof KeyDefinition.LocalKey ? "local" : "customer";
        if (!actual.equals(needed)) {
            throw fields.error(
                    "key",
                    what + " (mode " + modeName + ") needs a " + needed + " key, but '" + keyName + "' (line "
                            + defined.line() + ") is a " + actual + " key");
        }
    }
}

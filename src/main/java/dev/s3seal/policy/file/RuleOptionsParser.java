package dev.s3seal.policy.file;

import dev.s3seal.policy.Format;
import dev.s3seal.policy.Mode;
import dev.s3seal.policy.RuleOptions;
import dev.s3seal.policy.SseCVariant;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Reads a rule's {@code options:} and refuses options that mean nothing for the rule's mode. */
final class RuleOptionsParser {

    private static final List<String> FIELDS = List.of(
            "format",
            "segment-size",
            "allow-unencrypted-reads",
            "allow-client-sse-headers",
            "allow-unauthenticated-s3ec-ranges");

    private final String source;

    RuleOptionsParser(String source) {
        this.source = source;
    }

    RuleOptions parse(YamlFields rule, String what, Mode mode, @Nullable SseCVariant variant) {
        if (!rule.has("options")) {
            return RuleOptions.DEFAULTS;
        }
        YamlFields fields = YamlFields.of(source, rule.node("options"), "options of " + what, FIELDS);
        String modeName = mode == Mode.SSE_C ? "sse-c " + variant : mode.yamlName();
        if (mode == Mode.DENY && !FIELDS.stream().filter(fields::has).toList().isEmpty()) {
            throw fields.error(what + " (mode deny) takes no options");
        }
        boolean segmented = mode.clientSide() || variant == SseCVariant.EMULATED;
        Format format = format(fields, what, modeName, mode.clientSide());
        int segmentSize = RuleOptions.DEFAULT_SEGMENT_SIZE;
        if (fields.has("segment-size")) {
            if (!segmented || format != Format.S3SEAL) {
                throw fields.error(
                        "segment-size",
                        "'segment-size' applies to the s3seal format (cse-kms, cse-local," + " sse-c emulated), not to "
                                + what + " (mode " + modeName + ", format " + format + ")");
            }
            segmentSize = segmentSize(fields, what);
        }
        only(fields, "allow-unauthenticated-s3ec-ranges", mode.clientSide(), what, modeName);
        only(fields, "allow-unencrypted-reads", mode != Mode.PASSTHROUGH, what, modeName);
        // passthrough forwards the client's SSE headers as they are (web/ClientSseHeaders)
        only(fields, "allow-client-sse-headers", mode != Mode.PASSTHROUGH, what, modeName);
        return new RuleOptions(
                format,
                segmentSize,
                fields.bool("allow-unencrypted-reads", false),
                fields.bool("allow-client-sse-headers", false),
                fields.bool("allow-unauthenticated-s3ec-ranges", false));
    }

    private static Format format(YamlFields fields, String what, String modeName, boolean clientSide) {
        String name = fields.optionalString("format");
        if (name == null) {
            return Format.S3SEAL;
        }
        if (!clientSide) {
            throw fields.error(
                    "format", "'format' applies to cse-kms and cse-local, not to " + what + " (mode " + modeName + ")");
        }
        return Format.fromYaml(name)
                .orElseThrow(() -> fields.error(
                        "format", "unknown format '" + name + "' in " + what + "; expected s3seal or s3ec-v3"));
    }

    private static void only(YamlFields fields, String field, boolean applies, String what, String modeName) {
        if (fields.has(field) && !applies) {
            throw fields.error(field, "'" + field + "' has no effect on " + what + " (mode " + modeName + ")");
        }
    }

    /** A byte count, plain or with a KiB / MiB suffix. */
    private static int segmentSize(YamlFields fields, String what) {
        String text = fields.string("segment-size").trim();
        String lower = text.toLowerCase(Locale.ROOT);
        long unit = 1;
        if (lower.endsWith("kib")) {
            unit = 1024;
        } else if (lower.endsWith("mib")) {
            unit = 1024 * 1024;
        }
        String digits =
                unit == 1 ? lower : lower.substring(0, lower.length() - 3).trim();
        long size;
        try {
            size = Long.parseLong(digits) * unit;
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (!RuleOptions.validSegmentSize(size)) {
            throw fields.error(
                    "segment-size",
                    "segment-size '" + text + "' of " + what
                            + " must be a power of two between 4KiB and 4MiB (for example 65536 or 64KiB)");
        }
        return (int) size;
    }
}

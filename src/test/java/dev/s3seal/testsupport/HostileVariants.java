package dev.s3seal.testsupport;

import dev.s3seal.s3.operations.ParameterRule;
import dev.s3seal.s3.operations.S3ApiOperation;
import dev.s3seal.s3.operations.S3ApiOperation.CopySourceHeader;
import dev.s3seal.s3.operations.S3ApiOperation.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Hostile shapes of every operation of s3seal's table, for the differential suite: the same
 * operation spelled differently (percent-encoded names, values and keys, virtual-host addressing,
 * unknown and wrongly cased extra names), and shapes S3 does not define or refuses (repeated
 * parameters, bare or empty values, bad numbers, extra and combined sub-resources).
 *
 * <p>To add a kind of variant, add a method here and call it from {@link #of}; to add a one-off
 * shape (a copy source, a DeleteObjects body), build a {@link Variant} by hand in the test.
 */
public final class HostileVariants {

    /** What the differential test expects of a variant. */
    public enum Expect {
        /** Arrives upstream as exactly the variant's operation, bucket and key. */
        SAME,
        /** Refused by s3seal with an S3 error (never a 500); nothing arrives upstream. */
        REFUSED,
        /** Whatever s3seal's table makes of it: that operation upstream, or a refusal and nothing upstream. */
        TABLE
    }

    /**
     * One request to send through s3seal.
     *
     * @param host      null for path-style addressing, else the virtual host's bucket
     * @param rawPath   exactly as sent
     * @param rawQuery  exactly as sent, null for none
     * @param operation the operation the variant is built from (what {@link Expect#SAME} means)
     * @param bucket    the bucket the upstream must see (null for service level)
     * @param key       the key the upstream must see (null below object level)
     */
    public record Variant(
            String name,
            String method,
            String host,
            String rawPath,
            String rawQuery,
            Map<String, String> headers,
            byte[] body,
            Expect expect,
            String operation,
            String bucket,
            String key) {

        @Override
        public String toString() {
            return name;
        }
    }

    /** Sub-resource names added to every operation, alone (table decides) and two at a time (refused). */
    private static final List<String> EXTRA_SUB_RESOURCES = List.of(
            "acl",
            "tagging",
            "versioning",
            "uploads",
            "session",
            "location",
            "attributes",
            "policy",
            "delete",
            "versions",
            "restore",
            "select",
            "torrent",
            "list-type=2",
            "uploadId=u2",
            "legal-hold",
            "intelligent-tiering",
            "renameObject");

    private final String bucket;
    private final String key;
    private final Map<String, String> copySource;

    /**
     * @param bucket     the bucket every variant addresses
     * @param key        the key object-level variants address
     * @param copySource the {@code x-amz-copy-source} value for CopyObject and UploadPartCopy
     */
    public HostileVariants(String bucket, String key, String copySource) {
        this.bucket = bucket;
        this.key = key;
        this.copySource = Map.of("x-amz-copy-source", copySource);
    }

    /** Every variant of {@code operation}. */
    public List<Variant> of(S3ApiOperation operation) {
        List<Variant> out = new ArrayList<>();
        List<String[]> base = baseParameters(operation);
        out.add(variant(operation, "canonical", base, Expect.SAME));
        out.add(variant(
                operation,
                "unknown and miscased names",
                concat(
                        base,
                        pairs(
                                "x-id",
                                operation.name(),
                                "ACL",
                                null,
                                "Versioning",
                                null,
                                "UploadId",
                                "zz",
                                "X-Amz-Foo",
                                "bar")),
                Expect.SAME));
        if (!base.isEmpty()) {
            out.add(variant(
                    operation,
                    "percent-encoded names",
                    base.stream().map(p -> new String[] {encodeAll(p[0]), p[1]}).toList(),
                    Expect.SAME));
            out.add(variant(
                    operation,
                    "percent-encoded values",
                    base.stream()
                            .map(p -> new String[] {p[0], p[1] == null ? null : encodeAll(p[1])})
                            .toList(),
                    Expect.SAME));
        }
        if (operation.level() != Level.SERVICE) {
            out.add(virtualHost(variant(operation, "virtual-host addressing", base, Expect.SAME)));
        }
        if (operation.level() == Level.OBJECT) {
            Variant plain = variant(operation, "percent-encoded key", base, Expect.SAME);
            out.add(withPath(plain, "/" + bucket + "/" + encodeAllButSlash(key)));
        }
        for (String[] p : base) {
            out.add(variant(operation, "repeated " + p[0], concat(base, List.<String[]>of(p)), Expect.REFUSED));
            ParameterRule rule = operation.parameters().get(p[0]);
            if (rule != ParameterRule.FLAG) {
                out.add(variant(operation, "bare " + p[0], replace(base, p[0], null), Expect.REFUSED));
                out.add(variant(operation, "empty " + p[0], replace(base, p[0], ""), Expect.REFUSED));
            }
        }
        out.addAll(optionalParameterVariants(operation, base));
        for (String extra : EXTRA_SUB_RESOURCES) {
            String[] pair = parse(extra);
            if (!operation.subResources().contains(pair[0])) {
                out.add(variant(operation, "plus " + extra, concat(base, List.<String[]>of(pair)), Expect.TABLE));
            }
        }
        List<String[]> twoMore = operation.subResources().contains("acl")
                ? pairs("tagging", null, "versioning", null)
                : pairs("acl", null, "versioning", null);
        out.add(variant(operation, "plus two sub-resources", concat(base, twoMore), Expect.REFUSED));
        return out;
    }

    /** The parameters the operation accepts but does not need: valid, bare, repeated and bad values. */
    private List<Variant> optionalParameterVariants(S3ApiOperation operation, List<String[]> base) {
        List<Variant> out = new ArrayList<>();
        for (Map.Entry<String, ParameterRule> accepted : operation.parameters().entrySet()) {
            String name = accepted.getKey();
            if (operation.subResources().contains(name) || operation.required().contains(name)) {
                continue;
            }
            String valid = switch (accepted.getValue()) {
                case TEXT -> "a b/c";
                case NON_EMPTY -> "v1";
                case PART_NUMBER, NON_NEGATIVE_INTEGER -> "2";
                case URL_ENCODING -> "url";
                case BOOLEAN -> "true";
                default -> null;
            };
            out.add(variant(operation, "with " + name, concat(base, pairs(name, valid)), Expect.SAME));
            out.add(variant(
                    operation, "repeated " + name, concat(base, pairs(name, valid, name, valid)), Expect.REFUSED));
            switch (accepted.getValue()) {
                case TEXT -> out.add(variant(operation, "bare " + name, concat(base, pairs(name, null)), Expect.SAME));
                case NON_EMPTY -> {
                    out.add(variant(operation, "bare " + name, concat(base, pairs(name, null)), Expect.REFUSED));
                    out.add(variant(operation, "empty " + name, concat(base, pairs(name, "")), Expect.REFUSED));
                }
                case PART_NUMBER, NON_NEGATIVE_INTEGER -> {
                    out.add(variant(
                            operation, "non-numeric " + name, concat(base, pairs(name, "abc")), Expect.REFUSED));
                    out.add(variant(operation, "negative " + name, concat(base, pairs(name, "-1")), Expect.REFUSED));
                    out.add(variant(operation, "bare " + name, concat(base, pairs(name, null)), Expect.REFUSED));
                }
                case URL_ENCODING -> {
                    out.add(variant(operation, "upper-case " + name, concat(base, pairs(name, "URL")), Expect.SAME));
                    out.add(variant(operation, "unknown " + name, concat(base, pairs(name, "zzz")), Expect.REFUSED));
                }
                case BOOLEAN ->
                    out.add(variant(operation, "bad " + name, concat(base, pairs(name, "maybe")), Expect.REFUSED));
                default -> {}
            }
        }
        return out;
    }

    /** The sub-resources and required parameters, with valid values. */
    private static List<String[]> baseParameters(S3ApiOperation operation) {
        List<String[]> base = new ArrayList<>();
        Set<String> names = new TreeSet<>(operation.subResources());
        names.addAll(operation.required());
        for (String name : names) {
            String value = switch (operation.parameters().get(name)) {
                case FLAG -> null;
                case TWO -> "2";
                case PART_NUMBER -> "1";
                default -> name + "-1";
            };
            base.add(new String[] {name, value});
        }
        return base;
    }

    private Variant variant(S3ApiOperation operation, String kind, List<String[]> parameters, Expect expect) {
        String path = switch (operation.level()) {
            case SERVICE -> "/";
            case BUCKET -> "/" + bucket;
            case OBJECT -> "/" + bucket + "/" + key;
        };
        Map<String, String> headers = operation.copySource() == CopySourceHeader.PRESENT ? copySource : Map.of();
        byte[] body = switch (operation.method()) {
            case "PUT", "POST" -> bodyOf(operation);
            default -> new byte[0];
        };
        return new Variant(
                operation.name() + ": " + kind,
                operation.method(),
                null,
                path,
                render(parameters),
                headers,
                body,
                expect,
                operation.name(),
                operation.level() == Level.SERVICE ? null : bucket,
                operation.level() == Level.OBJECT ? key : null);
    }

    private byte[] bodyOf(S3ApiOperation operation) {
        String text = operation.name().equals("DeleteObjects")
                ? "<Delete><Object><Key>" + key + "</Key></Object></Delete>"
                : "x";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private Variant virtualHost(Variant v) {
        String path = v.rawPath().substring(1 + bucket.length());
        return new Variant(
                v.name(),
                v.method(),
                bucket,
                path.isEmpty() ? "/" : path,
                v.rawQuery(),
                v.headers(),
                v.body(),
                v.expect(),
                v.operation(),
                v.bucket(),
                v.key());
    }

    private static Variant withPath(Variant v, String rawPath) {
        return new Variant(
                v.name(),
                v.method(),
                v.host(),
                rawPath,
                v.rawQuery(),
                v.headers(),
                v.body(),
                v.expect(),
                v.operation(),
                v.bucket(),
                v.key());
    }

    private static List<String[]> replace(List<String[]> base, String name, String value) {
        return base.stream()
                .map(p -> p[0].equals(name) ? new String[] {name, value} : p)
                .toList();
    }

    private static List<String[]> concat(List<String[]> a, List<String[]> b) {
        List<String[]> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<String[]> pairs(String... namesAndValues) {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            out.add(new String[] {namesAndValues[i], namesAndValues[i + 1]});
        }
        return out;
    }

    private static String[] parse(String pair) {
        int eq = pair.indexOf('=');
        return eq < 0 ? new String[] {pair, null} : new String[] {pair.substring(0, eq), pair.substring(eq + 1)};
    }

    /** {@code name} or {@code name=value}, values percent-encoded where they need it. */
    private static String render(List<String[]> parameters) {
        if (parameters.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (String[] p : parameters) {
            out.append(out.length() == 0 ? "" : "&").append(p[0]);
            if (p[1] != null) {
                out.append('=').append(p[1].startsWith("%") ? p[1] : encodeReserved(p[1]));
            }
        }
        return out.toString();
    }

    private static String encodeReserved(String value) {
        return value.replace("%", "%25").replace(" ", "%20").replace("/", "%2F").replace("&", "%26");
    }

    /** Every byte as {@code %XX}, as a hostile client may spell a name. */
    public static String encodeAll(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.append('%').append(String.format("%02X", b & 0xff));
        }
        return out.toString();
    }

    private static String encodeAllButSlash(String text) {
        return String.join(
                "/",
                Arrays.stream(text.split("/", -1))
                        .map(HostileVariants::encodeAll)
                        .toList());
    }

    /** Every variant of every operation of {@code operations}. */
    public List<Variant> of(List<S3ApiOperation> operations) {
        Map<String, Variant> byName = new LinkedHashMap<>();
        operations.forEach(op -> of(op).forEach(v -> byName.putIfAbsent(v.name(), v)));
        return List.copyOf(byName.values());
    }
}

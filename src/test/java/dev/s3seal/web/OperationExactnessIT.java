package dev.s3seal.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.s3.S3Request;
import dev.s3seal.s3.S3RequestParser;
import dev.s3seal.s3.operations.OperationTable;
import dev.s3seal.testsupport.HostileVariants;
import dev.s3seal.testsupport.HostileVariants.Expect;
import dev.s3seal.testsupport.HostileVariants.Variant;
import dev.s3seal.testsupport.RawHttp;
import dev.s3seal.testsupport.RecordingUpstream;
import dev.s3seal.testsupport.S3ProxyServer;
import dev.s3seal.testsupport.SignedRequests;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The policy decides on exactly the request the upstream executes (issue 8, section 1). A recording
 * proxy sits between s3seal and S3Proxy; every operation of s3seal's table is sent in hostile shapes
 * with a valid signature, and what reached the upstream must be exactly the operation, bucket and key
 * s3seal recognised, with only that operation's parameters, or nothing at all with an S3 error for
 * the client. The bypasses the security review found are named tests against operation-scoped deny
 * rules, each checking that the protected object is untouched in the store.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OperationExactnessIT {

    private static final String ALICE_KEY = "alice-key";
    private static final String ALICE_SECRET = "alice-secret-exactness";

    private static final String MAIN = "opx-main";
    private static final String READ_ONLY = "opx-ro";
    private static final String NO_LIST = "opx-nolist";
    private static final String SSE = "opx-sse";
    private static final String PASS = "opx-pass";
    private static final String CSE = "opx-cse";
    private static final String SEED = "keep/seed.txt";
    private static final byte[] CONTENT = "the protected content".getBytes(StandardCharsets.UTF_8);

    private static final RecordingUpstream recorder = RecordingUpstream.inFrontOfFilesystemStore();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void recordedUpstreamAndPolicy(DynamicPropertyRegistry registry) throws IOException {
        recorder.registerAsUpstream(registry);
        registry.add("s3seal.clients[0].name", () -> "alice");
        registry.add("s3seal.clients[0].access-key-id", () -> ALICE_KEY);
        registry.add("s3seal.clients[0].secret-access-key", () -> ALICE_SECRET);
        registry.add("s3seal.virtual-host-domains", () -> "localhost");
        registry.add("management.server.port", () -> "0");
        registry.add("s3seal.ops.upstream-probe-interval", () -> "0");
        TestPolicies.register(
                registry,
                List.of(
                        "  - name: embargo",
                        "    buckets: [" + MAIN + "]",
                        "    key-prefixes: [embargo/]",
                        "    operations: [read]",
                        "    mode: deny",
                        "  - name: archive",
                        "    buckets: [" + MAIN + ", " + CSE + "]",
                        "    key-prefixes: [archive/]",
                        "    operations: [delete]",
                        "    mode: deny",
                        "  - name: read-only",
                        "    buckets: [" + READ_ONLY + "]",
                        "    operations: [write, delete]",
                        "    mode: deny",
                        "  - name: no-listing",
                        "    buckets: [" + NO_LIST + "]",
                        "    operations: [list]",
                        "    mode: deny",
                        "  - name: sse",
                        "    buckets: [" + SSE + "]",
                        "    mode: sse-s3",
                        "  - name: plain",
                        "    buckets: [" + PASS + ", " + MAIN + ", " + READ_ONLY + "]",
                        "    mode: passthrough",
                        "  - name: default",
                        "    mode: cse-local",
                        "    key: master"));
    }

    @BeforeAll
    static void bucketsAndObjects() {
        try (S3Client direct = S3ProxyServer.filesystemStore().directClient()) {
            for (String bucket : List.of(MAIN, READ_ONLY, NO_LIST, SSE, PASS, CSE)) {
                try {
                    direct.createBucket(b -> b.bucket(bucket));
                } catch (AwsServiceException exists) {
                    // left by an earlier run on the same store
                }
            }
            for (String[] object : List.of(
                    new String[] {MAIN, "embargo/x.txt"},
                    new String[] {MAIN, "archive/keep.txt"},
                    new String[] {CSE, "archive/keep.txt"},
                    new String[] {READ_ONLY, "ro.txt"},
                    new String[] {NO_LIST, "listed-name.txt"},
                    new String[] {PASS, SEED})) {
                direct.putObject(b -> b.bucket(object[0]).key(object[1]), RequestBody.fromBytes(CONTENT));
            }
        }
    }

    // ---- the observed bypasses --------------------------------------------------------------------

    @ParameterizedTest(name = "GET embargo/x.txt?{0}")
    @ValueSource(
            strings = {
                "versioning",
                "location",
                "uploads",
                "session",
                "attributes",
                "intelligent-tiering",
                "policy",
                "acl",
                "tagging",
                "torrent",
                "retention",
                "legal-hold",
                "cors",
                "versions",
                "list-type=2"
            })
    void shouldNotReadAnEmbargoedObjectThroughASubResource(String subResource) throws IOException {
        assertRefusedWithNothingUpstream(send("GET", "/" + MAIN + "/embargo/x.txt", null), 403, "AccessDenied");

        RawHttp.Response response = send("GET", "/" + MAIN + "/embargo/x.txt", subResource);

        assertRefusedWithNothingUpstream(response, -1, null);
        assertThat(response.body()).doesNotContain("protected content");
    }

    /** Under passthrough (the rest of the bucket) and under cse-local (the review found both). */
    @ParameterizedTest(name = "DELETE {0}/archive/keep.txt?{1}")
    @MethodSource("archiveDeletes")
    void shouldNotDeleteAnArchivedObjectThroughASubResource(String bucket, String subResource) throws IOException {
        RawHttp.Response response = send("DELETE", "/" + bucket + "/archive/keep.txt", subResource);

        assertRefusedWithNothingUpstream(response, -1, null);
        assertStored(bucket, "archive/keep.txt", CONTENT);
    }

    static Stream<Arguments> archiveDeletes() {
        return Stream.of(MAIN, CSE)
                .flatMap(bucket -> Stream.of(
                                "acl",
                                "versioning",
                                "uploads",
                                "session",
                                "tagging",
                                "policy",
                                "location",
                                "attributes",
                                "website",
                                "cors",
                                "retention",
                                "legal-hold")
                        .map(sub -> Arguments.of(bucket, sub)));
    }

    @ParameterizedTest(name = "PUT ro.txt?{0}")
    @ValueSource(
            strings = {
                "uploads",
                "session",
                "versioning",
                "attributes",
                "torrent",
                "location",
                "policy",
                "acl",
                "tagging",
                "restore",
                "select",
                "delete"
            })
    void shouldNotOverwriteAReadOnlyObjectThroughASubResource(String subResource) throws IOException {
        RawHttp.Response response =
                send("PUT", "/" + READ_ONLY + "/ro.txt", subResource, "overwritten".getBytes(StandardCharsets.UTF_8));

        assertRefusedWithNothingUpstream(response, -1, null);
        assertStored(READ_ONLY, "ro.txt", CONTENT);
    }

    @ParameterizedTest(name = "GET {0}?{1}")
    @MethodSource("listingShapes")
    void shouldNotListAListDeniedBucketInAnyShape(String path, String query) throws IOException {
        RawHttp.Response response = send("GET", path, query);

        assertRefusedWithNothingUpstream(response, -1, null);
        assertThat(response.body()).doesNotContain("listed-name");
    }

    static Stream<Arguments> listingShapes() {
        String bucket = "/" + NO_LIST;
        return Stream.of(
                        new String[] {bucket, "session"},
                        new String[] {bucket, null},
                        new String[] {bucket, "list-type=2"},
                        new String[] {bucket, "versions"},
                        new String[] {bucket, "uploads"},
                        new String[] {bucket, "prefix"},
                        new String[] {bucket, "attributes"},
                        new String[] {bucket, "torrent"},
                        new String[] {bucket, "x-id=ListObjects&Session"},
                        new String[] {bucket + "/", "list-type=2&prefix="})
                .map(shape -> Arguments.of(shape[0], shape[1]));
    }

    @Test
    void shouldNotSkipAnSseRuleThroughTheSessionSubResource() throws IOException {
        RawHttp.Response response = send("PUT", "/" + SSE + "/k", "session", "plain".getBytes(StandardCharsets.UTF_8));

        assertRefusedWithNothingUpstream(response, 501, "NotImplemented");
        try (S3Client direct = S3ProxyServer.filesystemStore().directClient()) {
            assertThat(direct.listObjectsV2(b -> b.bucket(SSE)).contents()).isEmpty();
        }
    }

    @Test
    void shouldSendTheSseRulesHeaderWithAPlainPut() throws IOException {
        send("PUT", "/" + SSE + "/k", null, "plain".getBytes(StandardCharsets.UTF_8));

        assertThat(recorder.requests())
                .singleElement()
                .satisfies(r ->
                        assertThat(r.header("x-amz-server-side-encryption")).isEqualTo("AES256"));
    }

    // ---- the differential suite -------------------------------------------------------------------

    static Stream<Arguments> variants() {
        List<Variant> all =
                new ArrayList<>(new HostileVariants(PASS, "dx/k", "/" + PASS + "/" + SEED).of(OperationTable.all()));
        all.addAll(handWritten());
        return all.stream().map(v -> Arguments.of(v.name(), v));
    }

    /** One-off shapes; add copy-source and request-body variants here. */
    private static List<Variant> handWritten() {
        return List.of(
                new Variant(
                        "GetObject: trailing-slash bucket path",
                        "GET",
                        null,
                        "/" + PASS + "/",
                        "list-type=2",
                        Map.of(),
                        new byte[0],
                        Expect.SAME,
                        "ListObjectsV2",
                        PASS,
                        null),
                new Variant(
                        "GetObject: versioning on a key",
                        "GET",
                        null,
                        "/" + PASS + "/dx/k",
                        "versioning",
                        Map.of(),
                        new byte[0],
                        Expect.REFUSED,
                        "GetObject",
                        PASS,
                        "dx/k"),
                new Variant(
                        "DeleteObject: acl on DELETE",
                        "DELETE",
                        null,
                        "/" + PASS + "/dx/k",
                        "acl",
                        Map.of(),
                        new byte[0],
                        Expect.REFUSED,
                        "DeleteObject",
                        PASS,
                        "dx/k"),
                new Variant(
                        "PutObject: uploads on PUT",
                        "PUT",
                        null,
                        "/" + PASS + "/dx/k",
                        "uploads",
                        Map.of(),
                        new byte[] {'x'},
                        Expect.REFUSED,
                        "PutObject",
                        PASS,
                        "dx/k"),
                new Variant(
                        "ListObjects: bare listing parameters",
                        "GET",
                        null,
                        "/" + PASS,
                        "prefix&marker&delimiter&max-keys=3",
                        Map.of(),
                        new byte[0],
                        Expect.SAME,
                        "ListObjects",
                        PASS,
                        null),
                new Variant(
                        "ListObjectsV2: bare start-after",
                        "GET",
                        null,
                        "/" + PASS,
                        "list-type=2&start-after&prefix",
                        Map.of(),
                        new byte[0],
                        Expect.SAME,
                        "ListObjectsV2",
                        PASS,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void shouldForwardExactlyWhatThePolicyDecidedOnOrNothing(String name, Variant variant) throws IOException {
        Oracle oracle = oracle(variant);
        switch (variant.expect()) {
            case SAME ->
                assertThat(oracle.operation()).as("table's reading of " + name).isEqualTo(variant.operation());
            case REFUSED ->
                assertThat(oracle.operation()).as("table's reading of " + name).isNull();
            case TABLE -> {}
        }

        RawHttp.Response response = send(variant);
        List<RecordingUpstream.Recorded> arrived = recorder.requests();

        String contentType = variant.headers().entrySet().stream()
                .filter(header -> header.getKey().equalsIgnoreCase("content-type"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse("");
        if ("PostObject".equals(oracle.operation())
                && !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            // s3seal reads a form itself and stores it as the PutObject it names (PostObjectIT); a bucket POST
            // that is no form gets S3's own answer and nothing goes upstream
            assertThat(arrived).as(name + ": upstream requests").isEmpty();
            assertThat(response.status()).as(name + ": " + response.body()).isEqualTo(412);
            assertThat(response.errorCode()).as(name).isEqualTo("PreconditionFailed");
            return;
        }

        if (oracle.operation() == null) {
            assertThat(arrived).as(name + ": upstream requests").isEmpty();
            assertThat(response.status())
                    .as(name + ": " + response.body())
                    .isEqualTo(oracle.refusal().errorCode().status());
            if (!variant.method().equals("HEAD")) {
                assertThat(response.errorCode())
                        .as(name)
                        .isEqualTo(oracle.refusal().errorCode().code());
            }
            return;
        }
        if (arrived.isEmpty() && variant.expect() != Expect.SAME) {
            // s3seal may still refuse what it recognised (a body it cannot read strictly): never a 500
            assertThat(response.status()).as(name + ": " + response.body()).isBetween(400, 499);
            assertThat(response.errorCode()).as(name).isNotNull();
            return;
        }
        assertThat(arrived)
                .as(name + ": upstream requests; client got " + response.status() + " " + response.body())
                .isNotEmpty();
        RecordingUpstream.Recorded first = arrived.get(0);
        S3Request upstream = new S3RequestParser(List.of())
                .parse(first.method(), first.rawPath(), first.rawQuery(), first.headers());
        OperationTable.Recognised executed = OperationTable.recognise(upstream);
        assertThat(executed.operation().name()).as(first.toString()).isEqualTo(oracle.operation());
        if (variant.expect() == Expect.SAME) {
            assertThat(upstream.bucket()).isEqualTo(variant.bucket());
            assertThat(upstream.key()).isEqualTo(variant.key());
        }
        // nothing on the wire but the operation's own parameters, with the values s3seal decided on
        assertThat(QueryParameters.parse(first.rawQuery()).all())
                .as(first.toString())
                .hasSameSizeAs(executed.query().all());
        assertThat(values(executed.query())).as(first.toString()).isEqualTo(values(oracle.query()));
        for (RecordingUpstream.Recorded further : arrived) {
            OperationTable.Recognised recognised = OperationTable.recognise(new S3RequestParser(List.of())
                    .parse(further.method(), further.rawPath(), further.rawQuery(), further.headers()));
            assertThat(QueryParameters.parse(further.rawQuery()).all())
                    .hasSameSizeAs(recognised.query().all());
        }
    }

    /** What s3seal's table (and the gateway's copy-source rule) make of the client's request. */
    private record Oracle(String operation, QueryParameters query, S3Exception refusal) {}

    private Oracle oracle(Variant variant) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of(host(variant)));
        variant.headers().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), List.of(value)));
        try {
            S3Request request = new S3RequestParser(List.of("localhost"))
                    .parse(variant.method(), variant.rawPath(), variant.rawQuery(), headers);
            OperationTable.Recognised recognised = OperationTable.recognise(request);
            S3Operation family = recognised.operation().family();
            if (request.header("x-amz-copy-source") != null
                    && family != S3Operation.COPY_OBJECT
                    && family != S3Operation.UPLOAD_PART_COPY) {
                return new Oracle(null, null, new S3Exception(S3ErrorCode.INVALID_ARGUMENT));
            }
            return new Oracle(recognised.operation().name(), recognised.query(), null);
        } catch (S3Exception refused) {
            return new Oracle(null, null, refused);
        }
    }

    private static Map<String, String> values(QueryParameters query) {
        Map<String, String> out = new HashMap<>();
        query.all().forEach(p -> out.put(p.name(), p.value() == null ? "" : p.value()));
        return out;
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private RawHttp.Response send(String method, String rawPath, String rawQuery) throws IOException {
        return send(method, rawPath, rawQuery, new byte[0]);
    }

    private RawHttp.Response send(String method, String rawPath, String rawQuery, byte[] body) throws IOException {
        return send(new Variant(
                method + " " + rawPath,
                method,
                null,
                rawPath,
                rawQuery,
                Map.of(),
                body,
                Expect.TABLE,
                null,
                null,
                null));
    }

    private RawHttp.Response send(Variant variant) throws IOException {
        SignedRequests.Signed signed = SignedRequests.signedRaw(
                host(variant),
                ALICE_KEY,
                ALICE_SECRET,
                variant.method(),
                variant.rawPath(),
                variant.rawQuery(),
                variant.headers(),
                variant.body());
        recorder.clear();
        return RawHttp.send(
                port, variant.method(), signed.pathAndQuery(), signed.headers(), signed.body(), signed.body().length);
    }

    private String host(Variant variant) {
        return (variant.host() == null ? "127.0.0.1" : variant.host() + ".localhost") + ":" + port;
    }

    /** Refused by s3seal with an S3 error document, never a 500, and nothing reached the upstream. */
    private static void assertRefusedWithNothingUpstream(RawHttp.Response response, int status, String code) {
        assertThat(recorder.requests()).as("upstream requests").isEmpty();
        assertThat(response.status()).isBetween(400, 501).isNotEqualTo(500);
        assertThat(response.errorCode()).isNotNull();
        if (status > 0) {
            assertThat(response.status()).isEqualTo(status);
            assertThat(response.errorCode()).isEqualTo(code);
        }
    }

    private static void assertStored(String bucket, String key, byte[] expected) {
        try (S3Client direct = S3ProxyServer.filesystemStore().directClient()) {
            assertThat(direct.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                    .isEqualTo(expected);
        }
    }
}

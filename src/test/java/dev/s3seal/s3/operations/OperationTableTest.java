package dev.s3seal.s3.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.policy.Operation;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.s3.S3Request;
import dev.s3seal.s3.S3RequestParser;
import dev.s3seal.s3.operations.S3ApiOperation.CopySourceHeader;
import dev.s3seal.s3.operations.S3ApiOperation.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operation table decides what the policy sees and what the upstream executes: every entry is
 * recognised from its own canonical request, every request S3 does not define is refused, and only
 * the operation's own parameters survive, in canonical form.
 */
class OperationTableTest {

    static Stream<S3ApiOperation> operations() {
        return OperationTable.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void shouldRecogniseEveryEntryFromItsCanonicalRequest(S3ApiOperation operation) {
        OperationTable.Recognised recognised = OperationTable.recognise(canonicalRequest(operation));

        assertThat(recognised.operation()).isEqualTo(operation);
        Set<String> sent = new HashSet<>(operation.subResources());
        sent.addAll(operation.required());
        assertThat(recognised.query().all())
                .extracting(QueryParameters.Parameter::name)
                .containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void shouldHaveNoTwoEntriesForTheSameRequestShape() {
        Set<List<Object>> shapes = new HashSet<>();
        for (S3ApiOperation op : OperationTable.all()) {
            assertThat(shapes.add(List.of(op.method(), op.level(), op.subResources(), op.copySource(), op.required())))
                    .as(op.name())
                    .isTrue();
        }
        assertThat(OperationTable.all()).extracting(S3ApiOperation::name).doesNotHaveDuplicates();
    }

    @Test
    void shouldClassObjectOperationsByWhatTheirMethodDoesToTheObject() {
        for (S3ApiOperation op : OperationTable.all()) {
            if (op.level() != Level.OBJECT
                    || op.family() == S3Operation.LIST_PARTS
                    || op.family() == S3Operation.ABORT_MULTIPART_UPLOAD
                    || op.family() == S3Operation.SELECT_OBJECT_CONTENT) {
                continue;
            }
            Operation expected = switch (op.method()) {
                case "GET", "HEAD" -> Operation.READ;
                case "PUT", "POST" -> Operation.WRITE;
                default -> Operation.DELETE;
            };
            assertThat(op.policyOperation()).as(op.name()).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0} {1}?{2} -> {3} {4}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                // the observed bypasses: sub-resources S3 does not define at that level or method
                "GET    | bkt/embargo/x.txt | versioning                 | 400 | InvalidRequest",
                "DELETE | bkt/archive/k.txt | acl                        | 400 | InvalidRequest",
                "PUT    | bkt-ro/ro.txt     | uploads                    | 400 | InvalidRequest",
                "GET    | bkt             | session                    | 501 | NotImplemented",
                "PUT    | ckt-sse/k         | session                    | 501 | NotImplemented",
                "GET    | bkt/k             | location                   | 400 | InvalidRequest",
                "GET    | bkt/k             | policy                     | 400 | InvalidRequest",
                "GET    | bkt/k             | intelligent-tiering        | 400 | InvalidRequest",
                "GET    | bkt/k             | uploads                    | 400 | InvalidRequest",
                "PUT    | bkt/k             | attributes                 | 400 | InvalidRequest",
                "PUT    | bkt/k             | torrent                    | 400 | InvalidRequest",
                "POST   | bkt/k             | delete                     | 400 | InvalidRequest",
                "GET    | bkt             | attributes                 | 400 | InvalidRequest",
                // two sub-resources together
                "GET    | bkt/k             | acl&tagging                | 400 | InvalidRequest",
                "PUT    | bkt/k             | uploadId=u&partNumber=1&acl | 400 | InvalidRequest",
                "GET    | bkt             | versions&uploads           | 400 | InvalidRequest",
                "GET    | bkt             | list-type=2&versions       | 400 | InvalidRequest",
                // methods with no operation on that resource
                "POST   | bkt/k             | -                          | 405 | MethodNotAllowed",
                "PATCH  | bkt/k             | -                          | 405 | MethodNotAllowed",
                "PUT    | -               | -                          | 405 | MethodNotAllowed",
                // operations S3 has that s3seal does not serve
                "PUT    | bkt/k             | renameObject               | 501 | NotImplemented",
                "GET    | bkt             | metadataTable              | 501 | NotImplemented",
                // duplicates and values S3 refuses
                "PUT    | bkt/k             | uploadId=a&uploadId=b&partNumber=1 | 400 | InvalidArgument",
                "GET    | bkt/k             | versionId=1&versionId=2    | 400 | InvalidArgument",
                "GET    | bkt/k             | partNumber=1&partNumber=2  | 400 | InvalidArgument",
                "GET    | bkt/k             | acl&acl                    | 400 | InvalidArgument",
                "GET    | bkt/k             | uploadId                   | 400 | InvalidArgument",
                "GET    | bkt/k             | partNumber                 | 400 | InvalidArgument",
                "GET    | bkt/k             | partNumber=0               | 400 | InvalidArgument",
                "GET    | bkt/k             | partNumber=10001           | 400 | InvalidArgument",
                "GET    | bkt/k             | partNumber=-1              | 400 | InvalidArgument",
                "GET    | bkt/k             | versionId=                 | 400 | InvalidArgument",
                "GET    | bkt/k             | versionId                  | 400 | InvalidArgument",
                "PUT    | bkt/k             | uploadId=u                 | 400 | InvalidArgument",
                "PUT    | bkt/k             | uploadId=u&partNumber=x    | 400 | InvalidArgument",
                "GET    | bkt             | max-keys=abc               | 400 | InvalidArgument",
                "GET    | bkt             | max-keys=99999999999       | 400 | InvalidArgument",
                "GET    | bkt             | encoding-type=zzz          | 400 | InvalidArgument",
                "GET    | bkt             | list-type=1                | 400 | InvalidArgument",
                "GET    | bkt             | list-type=2&fetch-owner=maybe | 400 | InvalidArgument",
                "PUT    | bkt             | analytics                  | 400 | InvalidArgument",
                "GET    | bkt             | analytics&id=              | 400 | InvalidArgument",
                "POST   | bkt/k             | select                     | 400 | InvalidArgument"
            })
    void shouldRefuseRequestsS3DoesNotDefine(String method, String path, String query, int status, String code) {
        assertThatThrownBy(() -> OperationTable.recognise(request(method.trim(), path, query, null)))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.errorCode().code()).isEqualTo(code.trim());
                    assertThat(e.errorCode().status()).isEqualTo(status);
                });
    }

    @ParameterizedTest(name = "{0} {1}?{2} -> {3} ?{4}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                "GET    | bkt/k | x-id=GetObject                          | GetObject           | -",
                "GET    | bkt/k | ACL                                     | GetObject           | -",
                "GET    | bkt/k | %61cl                                   | GetObjectAcl        | acl",
                "GET    | bkt/k | acl=whatever                            | GetObjectAcl        | acl",
                "GET    | bkt/k | partNumber=01&versionId=v%2B1           | GetObject           | partNumber=1&versionId=v+1",
                "PUT    | bkt/k | partNumber=3&uploadId=u&x-id=UploadPart | UploadPart          | partNumber=3&uploadId=u",
                "PUT    | bkt/k | versionId=1                             | PutObject           | -",
                "GET    | bkt | prefix&marker&delimiter                 | ListObjects         | prefix=&marker=&delimiter=",
                "GET    | bkt | list-type=2&start-after&encoding-type=URL | ListObjectsV2     | list-type=2&start-after=&encoding-type=url",
                "GET    | bkt | versions&key-marker=a&versionId=z       | ListObjectVersions  | versions&key-marker=a",
                "GET    | bkt | uploads&prefix=p/                       | ListMultipartUploads | uploads&prefix=p/",
                "GET    | bkt | analytics                               | ListBucketAnalyticsConfigurations | analytics",
                "GET    | bkt | analytics&id=a1                         | GetBucketAnalyticsConfiguration | analytics&id=a1",
                "GET    | bkt/k | X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=ab | GetObject | -",
                "GET    | -   | prefix=a&x-id=ListBuckets               | ListBuckets         | prefix=a"
            })
    void shouldKeepOnlyTheOperationsParametersInCanonicalForm(
            String method, String path, String query, String operation, String canonical) {
        OperationTable.Recognised recognised = OperationTable.recognise(request(method.trim(), path, query, null));

        assertThat(recognised.operation().name()).isEqualTo(operation.trim());
        assertThat(render(recognised.query())).isEqualTo(canonical == null ? "" : canonical.trim());
    }

    @Test
    void shouldTellCopiesFromUploadsByTheCopySourceHeader() {
        assertThat(OperationTable.recognise(request("PUT", "bkt/k", null, "/s/k"))
                        .operation()
                        .name())
                .isEqualTo("CopyObject");
        assertThat(OperationTable.recognise(request("PUT", "bkt/k", "partNumber=1&uploadId=u", "/s/k"))
                        .operation()
                        .name())
                .isEqualTo("UploadPartCopy");
    }

    @Test
    void shouldDecideListingsOnTheirPrefixAndOnlyListings() {
        for (S3ApiOperation op : OperationTable.all()) {
            assertThat(op.decidesOnPrefix())
                    .as(op.name())
                    .isEqualTo(op.name().startsWith("ListObject") || op.name().equals("ListMultipartUploads"));
        }
    }

    /** The request that names {@code operation} with the least it needs. */
    static S3Request canonicalRequest(S3ApiOperation operation) {
        List<String> query = new ArrayList<>();
        for (String name : operation.subResources()) {
            query.add(sample(name, operation.parameters().get(name)));
        }
        for (String name : operation.required()) {
            query.add(sample(name, operation.parameters().get(name)));
        }
        String path = switch (operation.level()) {
            case SERVICE -> null;
            case BUCKET -> "bk";
            case OBJECT -> "bk/k";
        };
        return request(
                operation.method(),
                path,
                query.isEmpty() ? null : String.join("&", query),
                operation.copySource() == CopySourceHeader.PRESENT ? "/src/k" : null);
    }

    private static String sample(String name, ParameterRule rule) {
        return switch (rule) {
            case FLAG -> name;
            case TWO -> name + "=2";
            case PART_NUMBER -> name + "=1";
            default -> name + "=v1";
        };
    }

    private static String render(QueryParameters query) {
        StringBuilder out = new StringBuilder();
        for (QueryParameters.Parameter p : query.all()) {
            out.append(out.length() == 0 ? "" : "&").append(p.name()).append(p.value() == null ? "" : "=" + p.value());
        }
        return out.toString();
    }

    private static S3Request request(String method, String path, String query, String copySource) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of("127.0.0.1"));
        if (copySource != null) {
            headers.put("x-amz-copy-source", List.of(copySource));
        }
        String rawPath = path == null ? "/" : "/" + path.trim();
        return new S3RequestParser(List.of()).parse(method, rawPath, query == null ? null : query.trim(), headers);
    }
}

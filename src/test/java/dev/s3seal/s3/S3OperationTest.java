package dev.s3seal.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.s3.operations.OperationTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which operation a request is decides how s3seal treats its body: a misclassified request under
 * a client-side rule could store plaintext. Every row is a request shape S3 clients send.
 */
class S3OperationTest {

    @ParameterizedTest(name = "{0} {1}?{2} copy={3} -> {4}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                "PUT    | bk/k | -                         | -     | PUT_OBJECT",
                "PUT    | bk/k | -                         | /b/s  | COPY_OBJECT",
                "GET    | bk/k | -                         | -     | GET_OBJECT",
                "GET    | bk/k | versionId=3               | -     | GET_OBJECT",
                "GET    | bk/k | partNumber=1              | -     | GET_OBJECT",
                "HEAD   | bk/k | -                         | -     | HEAD_OBJECT",
                "DELETE | bk/k | -                         | -     | DELETE_OBJECT",
                "POST   | bk/k | uploads                   | -     | CREATE_MULTIPART_UPLOAD",
                "PUT    | bk/k | partNumber=1&uploadId=u   | -     | UPLOAD_PART",
                "PUT    | bk/k | partNumber=1&uploadId=u   | /b/s  | UPLOAD_PART_COPY",
                "POST   | bk/k | uploadId=u                | -     | COMPLETE_MULTIPART_UPLOAD",
                "DELETE | bk/k | uploadId=u                | -     | ABORT_MULTIPART_UPLOAD",
                "GET    | bk/k | uploadId=u                | -     | LIST_PARTS",
                "POST   | bk/k | select&select-type=2      | -     | SELECT_OBJECT_CONTENT",
                "POST   | bk  | delete                    | -     | DELETE_OBJECTS",
                "POST   | bk  | -                         | -     | POST_OBJECT",
                "GET    | bk  | -                         | -     | LIST_OBJECTS",
                "GET    | bk  | list-type=2&prefix=a      | -     | LIST_OBJECTS",
                "GET    | bk  | versions                  | -     | LIST_OBJECT_VERSIONS",
                "GET    | bk  | uploads                   | -     | OTHER",
                "PUT    | bk/k | tagging                   | -     | OTHER",
                "GET    | bk/k | acl                       | -     | OTHER",
                "PUT    | bk  | -                         | -     | OTHER",
                "GET    | -   | -                         | -     | OTHER"
            })
    void shouldClassifyRequestShapes(
            String method, String path, String query, String copySource, S3Operation expected) {
        assertThat(OperationTable.recognise(request(method.trim(), path, query, copySource))
                        .operation()
                        .family())
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} ?{1} metadata-only={2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "PUT    | tagging             | true",
                "GET    | acl                 | true",
                "DELETE | tagging             | true",
                "PUT    | retention           | true",
                "POST   | restore             | true",
                "GET    | tagging&versionId=1 | true",
                "PUT    | torrent             | false",
                "GET    | torrent             | false",
                "GET    | attributes          | false",
                "PUT    | tagging&acl         | false",
                "PUT    | uploads             | false"
            })
    void shouldAllowOnlyMetadataSubResourcesUnderClientSideRules(String method, String query, boolean allowed) {
        assertThat(S3Operation.isMetadataOnlySubResource(request(method.trim(), "bk/k", query.trim(), null)))
                .isEqualTo(allowed);
    }

    private static S3Request request(String method, String path, String query, String copySource) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of("127.0.0.1"));
        if (copySource != null) {
            headers.put("x-amz-copy-source", List.of(copySource.trim()));
        }
        String rawPath = path == null ? "/" : "/" + path.trim();
        String rawQuery = query == null ? null : query.trim();
        return new S3RequestParser(List.of()).parse(method, rawPath, rawQuery, headers);
    }
}

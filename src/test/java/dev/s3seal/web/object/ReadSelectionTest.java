package dev.s3seal.web.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.crypto.EnvelopeMetadata;
import dev.s3seal.crypto.RangeMapping.PlaintextRange;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3RequestParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The read planner's first step: which plaintext bytes a GET or HEAD asks for, as S3 reads the request. */
class ReadSelectionTest {

    private static final EnvelopeMetadata TEN_BYTES =
            new EnvelopeMetadata(1, "local", "k", "1", new byte[40], 10, 65536, null, null, null, Map.of());
    private static final EnvelopeMetadata EMPTY =
            new EnvelopeMetadata(1, "local", "k", "1", new byte[40], 0, 65536, null, null, null, Map.of());

    private static ReadSelection selection(String range, String query) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (range != null) {
            headers.put("range", List.of(range));
        }
        return ReadSelection.of(new S3RequestParser(List.of()).parse("GET", "/bucket/key", query, headers));
    }

    private static Optional<PlaintextRange> resolve(ReadSelection selection, EnvelopeMetadata envelope) {
        return selection.resolve(envelope, () -> {
            throw new AssertionError("a single-part object has no manifest to open");
        });
    }

    @Test
    void noRangeAndNoPartIsTheWholeObject() {
        assertThat(selection(null, null).isWhole()).isTrue();
        assertThat(selection(null, null).isWholeOf(TEN_BYTES)).isTrue();
    }

    @Test
    void rangesResolveAsS3ClampsThem() {
        assertThat(resolve(selection("bytes=2-4", null), TEN_BYTES)).contains(new PlaintextRange(2, 4));
        assertThat(resolve(selection("bytes=8-100", null), TEN_BYTES)).contains(new PlaintextRange(8, 9));
        assertThat(resolve(selection("bytes=-3", null), TEN_BYTES)).contains(new PlaintextRange(7, 9));
        assertThat(resolve(selection("bytes=10-", null), TEN_BYTES)).isEmpty();
        assertThat(selection("bytes=10-", null).unsatisfiable(10).errorCode()).isEqualTo(S3ErrorCode.INVALID_RANGE);
    }

    @Test
    void partOneOfASinglePartObjectIsAllOfIt() {
        assertThat(resolve(selection(null, "partNumber=1"), TEN_BYTES)).contains(new PlaintextRange(0, 9));
        assertThat(selection(null, "partNumber=1").isWholeOf(EMPTY)).isTrue();
        assertThat(resolve(selection(null, "partNumber=2"), TEN_BYTES)).isEmpty();
        assertThat(selection(null, "partNumber=2").unsatisfiable(10).errorCode())
                .isEqualTo(S3ErrorCode.INVALID_PART_NUMBER);
    }

    @Test
    void rangeAndPartTogetherOrABadPartNumberAreRefusedAsS3Does() {
        assertThatThrownBy(() -> selection("bytes=0-1", "partNumber=1"))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        refused -> assertThat(refused.errorCode()).isEqualTo(S3ErrorCode.INVALID_REQUEST));
        for (String bad : List.of("0", "10001", "x", "-1")) {
            assertThatThrownBy(() -> selection(null, "partNumber=" + bad))
                    .isInstanceOfSatisfying(
                            S3Exception.class,
                            refused -> assertThat(refused.errorCode()).isEqualTo(S3ErrorCode.INVALID_ARGUMENT));
        }
    }
}

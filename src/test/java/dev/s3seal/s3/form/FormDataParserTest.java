package dev.s3seal.s3.form;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Form bodies as browsers send them, fed whole and re-chunked (down to one byte per input): the
 * fields and the file come out exactly, the file's length is known at its first byte, and every
 * body that is not one form with its file last is refused with S3's error.
 */
class FormDataParserTest {

    private static final String BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

    private static String part(String name, String value) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    private static String fileHeaders(String fileName) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: image/jpeg\r\n\r\n";
    }

    private static byte[] body(String fields, byte[] file, String ending) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(fields.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(ending.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] form(byte[] file) {
        return body(
                part("key", "user/${filename}") + part("Content-Type", "image/jpeg") + fileHeaders("My \"Photo\".jpg"),
                file,
                "\r\n--" + BOUNDARY + "--\r\n");
    }

    /** What a parse produced: the head and the file's bytes in order. */
    private record Parsed(FormHead head, byte[] file) {}

    private static Parsed parse(byte[] body, int chunk) {
        FormDataParser parser = new FormDataParser(BOUNDARY, body.length, FormDataParser.MAX_FIELD_BYTES);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += chunk) {
            ByteBuffer in =
                    ByteBuffer.wrap(body, at, Math.min(chunk, body.length - at)).slice();
            FormDataParser.FileBytes bytes = parser.update(in);
            assertThat(in.hasRemaining()).isFalse();
            file.write(in.array(), in.arrayOffset() + bytes.offset(), bytes.length());
        }
        parser.finish();
        return new Parsed(parser.head().orElseThrow(), file.toByteArray());
    }

    private static void assertRefused(byte[] body, int chunk, S3ErrorCode code) {
        assertThatThrownBy(() -> parse(body, chunk))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(code));
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 64, 1000, 1 << 20})
    void shouldGiveTheFieldsAndExactlyTheFileWhateverTheChunking(int chunk) {
        byte[] file = random(5000);
        Parsed parsed = parse(form(file), chunk);

        assertThat(parsed.head().fields())
                .containsExactly(new FormField("key", "user/${filename}"), new FormField("Content-Type", "image/jpeg"));
        assertThat(parsed.head().fileName()).isEqualTo("My \"Photo\".jpg");
        assertThat(parsed.head().fileLength()).isEqualTo(5000);
        assertThat(parsed.file()).isEqualTo(file);
    }

    @Test
    void shouldTakeAFileThatLooksLikeFramingButIsNotADelimiter() {
        byte[] file = ("\r\n--" + BOUNDARY.substring(0, 10) + "\r\n\r\n--x").getBytes(StandardCharsets.US_ASCII);
        assertThat(parse(form(file), 3).file()).isEqualTo(file);
    }

    @Test
    void shouldTakeAnEmptyFile() {
        Parsed parsed = parse(form(new byte[0]), 5);
        assertThat(parsed.head().fileLength()).isZero();
        assertThat(parsed.file()).isEmpty();
    }

    @Test
    void shouldRefuseFieldsLargerThanS3sBound() {
        byte[] body = form(random(10));
        byte[] big = body(
                part("x-amz-meta-big", "a".repeat(FormDataParser.MAX_FIELD_BYTES)) + fileHeaders("f"),
                random(10),
                "\r\n--" + BOUNDARY + "--\r\n");
        assertRefused(big, 4096, S3ErrorCode.MAX_POST_PRE_DATA_LENGTH_EXCEEDED);
        assertThat(parse(body, 4096).file()).hasSize(10);
    }

    @Test
    void shouldRefuseAFormWithoutAFile() {
        byte[] body = (part("key", "k") + "--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
        assertRefused(body, 9, S3ErrorCode.INCORRECT_NUMBER_OF_FILES_IN_POST_REQUEST);
    }

    @Test
    void shouldRefuseAPartAfterTheFile() {
        byte[] body = body(
                part("key", "k") + fileHeaders("f"),
                random(100),
                "\r\n" + part("x-ignore-late", "v") + "--" + BOUNDARY + "--\r\n");
        assertRefused(body, 16, S3ErrorCode.MALFORMED_POST_REQUEST);
    }

    @Test
    void shouldRefuseABodyThatEndsOtherwiseThanWithItsClosingDelimiter() {
        byte[] noFinalCrlf = body(part("key", "k") + fileHeaders("f"), random(100), "\r\n--" + BOUNDARY + "--");
        byte[] epilogue = body(part("key", "k") + fileHeaders("f"), random(100), "\r\n--" + BOUNDARY + "--\r\nxyz");
        byte[] wrongBoundary = body(part("key", "k") + fileHeaders("f"), random(100), "\r\n--otherboundary--\r\n");
        assertRefused(noFinalCrlf, 8, S3ErrorCode.MALFORMED_POST_REQUEST);
        assertRefused(epilogue, 8, S3ErrorCode.MALFORMED_POST_REQUEST);
        assertRefused(wrongBoundary, 8, S3ErrorCode.MALFORMED_POST_REQUEST);
    }

    @Test
    void shouldRefuseABodyCutShortInTheFile() {
        byte[] whole = form(random(1000));
        FormDataParser parser = new FormDataParser(BOUNDARY, whole.length, FormDataParser.MAX_FIELD_BYTES);
        parser.update(ByteBuffer.wrap(whole, 0, 500));
        assertThatThrownBy(parser::finish)
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(S3ErrorCode.INCOMPLETE_BODY));
    }

    @Test
    void shouldRefuseABodyThatDoesNotStartWithTheBoundary() {
        byte[] body = ("preamble\r\n" + part("key", "k")).getBytes(StandardCharsets.UTF_8);
        assertRefused(body, 100, S3ErrorCode.MALFORMED_POST_REQUEST);
    }

    @Test
    void shouldReadTheBoundaryFromTheContentType() {
        assertThat(FormBoundary.of("multipart/form-data; boundary=" + BOUNDARY)).isEqualTo(BOUNDARY);
        assertThat(FormBoundary.of("Multipart/Form-Data;boundary=\"a b\"")).isEqualTo("a b");
        assertThatThrownBy(() -> FormBoundary.of("application/x-www-form-urlencoded"))
                .isInstanceOf(S3Exception.class)
                .hasMessageContaining("multipart/form-data");
        assertThatThrownBy(() -> FormBoundary.of("multipart/form-data"))
                .isInstanceOf(S3Exception.class)
                .satisfies(
                        e -> assertThat(((S3Exception) e).errorCode()).isEqualTo(S3ErrorCode.MALFORMED_POST_REQUEST));
    }
}

package dev.s3seal.s3.form;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads a browser-form upload ({@code multipart/form-data}, S3 PostObject) as it streams, in
 * bounded memory. Pure: bytes in, positions and records out.
 *
 * <p>The fields before the file are held (at most {@code maxFieldBytes} with their framing: S3's
 * 20 KB limit) and parsed into a {@link FormHead}. From the {@code file} part on nothing is held:
 * each input is answered with where its file bytes lie ({@link FileBytes}). The file is the last part
 * of the form (S3 requires it), so its length is the declared body length minus what came before it
 * and the closing delimiter {@code CRLF--boundary--CRLF}: known before its first byte, which is what
 * lets the object stream upstream with its length. The parser then holds the body to that shape: a
 * delimiter inside the file's bytes (a part after the file) or any other ending is refused, so the
 * bytes stored are exactly the file the browser sent.
 *
 * <p>Use once per body: {@link #update} for every input in order, {@link #finish} at its end.
 */
public final class FormDataParser {

    /** S3's bound on the form fields that precede the file. */
    public static final int MAX_FIELD_BYTES = 20 * 1024;

    /** Where one input's file bytes lie: {@code length} bytes from {@code offset} (relative to its position). */
    public record FileBytes(int offset, int length) {
        static final FileBytes NONE = new FileBytes(0, 0);
    }

    private enum State {
        FIELDS,
        FILE,
        CLOSING
    }

    private final byte[] opening;
    private final byte[] delimiter;
    private final byte[] closing;
    private final long contentLength;
    private final int maxFieldBytes;

    private State state = State.FIELDS;
    private byte @Nullable [] held = new byte[1024]; // null once the file part starts
    private int heldLength;
    private int partStart = -1;
    private final List<FormField> fields = new ArrayList<>();
    private FormHead head;
    private int fileStart;
    private long fileRemaining;
    private int delimiterMatched;
    private int closingMatched;

    /**
     * @param boundary      from the Content-Type ({@link FormBoundary#of})
     * @param contentLength the body's declared length
     * @param maxFieldBytes the most bytes held before the file starts
     */
    public FormDataParser(String boundary, long contentLength, int maxFieldBytes) {
        this.opening = ("--" + boundary + "\r\n").getBytes(StandardCharsets.US_ASCII);
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        this.closing = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        this.contentLength = contentLength;
        this.maxFieldBytes = maxFieldBytes;
    }

    /** The fields and the file's name and length, once the file part's headers were read. */
    public Optional<FormHead> head() {
        return Optional.ofNullable(head);
    }

    /** Consumes all of {@code in}; says which of its bytes are the file's. */
    public FileBytes update(ByteBuffer in) {
        int start = in.position();
        if (state == State.FIELDS) {
            int take = Math.min(in.remaining(), maxFieldBytes - heldLength);
            int before = heldLength;
            hold(in, take);
            parseFields();
            if (state == State.FIELDS) {
                if (heldLength >= maxFieldBytes) {
                    throw new S3Exception(S3ErrorCode.MAX_POST_PRE_DATA_LENGTH_EXCEEDED);
                }
                return FileBytes.NONE;
            }
            // the file's headers ended in this input: its bytes follow them, nothing more is held
            in.position(start + (fileStart - before));
            held = null;
        }
        int fileOffset = in.position() - start;
        int fileLength = 0;
        if (state == State.FILE) {
            fileLength = (int) Math.min(in.remaining(), fileRemaining);
            scanFile(in, fileLength);
            fileRemaining -= fileLength;
            if (fileRemaining == 0) {
                state = State.CLOSING;
            }
        }
        if (state == State.CLOSING) {
            matchClosing(in);
        }
        in.position(in.limit());
        return fileLength == 0 ? FileBytes.NONE : new FileBytes(fileOffset, fileLength);
    }

    /** At the end of the body: refuses a body that ended before its file and closing delimiter did. */
    public void finish() {
        switch (state) {
            case FIELDS -> throw new S3Exception(S3ErrorCode.MALFORMED_POST_REQUEST);
            case FILE -> throw new S3Exception(S3ErrorCode.INCOMPLETE_BODY);
            case CLOSING -> {
                if (closingMatched != closing.length) {
                    throw new S3Exception(S3ErrorCode.INCOMPLETE_BODY);
                }
            }
        }
    }

    private void hold(ByteBuffer in, int take) {
        if (heldLength + take > held.length) {
            held = Arrays.copyOf(held, Math.min(maxFieldBytes, Math.max(held.length * 2, heldLength + take)));
        }
        in.get(held, heldLength, take);
        heldLength += take;
    }

    /** Parses every complete part held; stops at the file part's headers or when more bytes are needed. */
    private void parseFields() {
        if (partStart < 0) {
            if (heldLength < opening.length) {
                return;
            }
            if (!startsWith(held, 0, opening)) {
                throw new S3Exception(S3ErrorCode.MALFORMED_POST_REQUEST);
            }
            partStart = opening.length;
        }
        while (true) {
            int headersEnd = indexOf(held, heldLength, CRLFCRLF, partStart);
            if (headersEnd < 0) {
                return;
            }
            PartHeaders part =
                    PartHeaders.parse(new String(held, partStart, headersEnd - partStart, StandardCharsets.UTF_8));
            int valueStart = headersEnd + CRLFCRLF.length;
            if (part.name().equalsIgnoreCase("file")) {
                startFile(part, valueStart);
                return;
            }
            int valueEnd = indexOf(held, heldLength, delimiter, valueStart);
            if (valueEnd < 0 || valueEnd + delimiter.length + 2 > heldLength) {
                return;
            }
            fields.add(new FormField(
                    part.name(), new String(held, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8)));
            int after = valueEnd + delimiter.length;
            if (held[after] == '-' && held[after + 1] == '-') {
                throw new S3Exception(S3ErrorCode.INCORRECT_NUMBER_OF_FILES_IN_POST_REQUEST);
            }
            if (held[after] != '\r' || held[after + 1] != '\n') {
                throw new S3Exception(S3ErrorCode.MALFORMED_POST_REQUEST);
            }
            partStart = after + 2;
        }
    }

    private void startFile(PartHeaders part, int valueStart) {
        long length = contentLength - valueStart - closing.length;
        if (length < 0) {
            throw new S3Exception(S3ErrorCode.MALFORMED_POST_REQUEST);
        }
        fileStart = valueStart;
        fileRemaining = length;
        head = new FormHead(fields, part.fileName(), length);
        state = length == 0 ? State.CLOSING : State.FILE;
    }

    /**
     * Looks for the part delimiter among the file's bytes. It holds no CR after its first byte, so on
     * a mismatch the search restarts (at 1 when the byte is that CR): linear, nothing held.
     */
    private void scanFile(ByteBuffer in, int length) {
        int end = in.position() + length;
        for (int i = in.position(); i < end; i++) {
            byte b = in.get(i);
            if (b == delimiter[delimiterMatched]) {
                if (++delimiterMatched == delimiter.length) {
                    throw new S3Exception(
                            S3ErrorCode.MALFORMED_POST_REQUEST,
                            "The file must be the last field of the form: s3seal refuses a part after it.");
                }
            } else {
                delimiterMatched = b == '\r' ? 1 : 0;
            }
        }
        in.position(end);
    }

    private void matchClosing(ByteBuffer in) {
        while (in.hasRemaining()) {
            if (closingMatched == closing.length || in.get() != closing[closingMatched++]) {
                throw new S3Exception(
                        S3ErrorCode.MALFORMED_POST_REQUEST,
                        "The form must end with its closing delimiter right after the file: s3seal refuses a part"
                                + " after the file.");
            }
        }
    }

    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

    private static boolean startsWith(byte[] data, int at, byte[] prefix) {
        return Arrays.equals(data, at, at + prefix.length, prefix, 0, prefix.length);
    }

    private static int indexOf(byte[] data, int length, byte[] target, int from) {
        for (int i = from; i + target.length <= length; i++) {
            if (startsWith(data, i, target)) {
                return i;
            }
        }
        return -1;
    }

    /** The Content-Disposition of one part: its field name and, for the file, the browser's file name. */
    record PartHeaders(String name, String fileName) {

        static PartHeaders parse(String headers) {
            for (String line : headers.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0
                        && line.substring(0, colon)
                                .strip()
                                .toLowerCase(Locale.ROOT)
                                .equals("content-disposition")) {
                    return disposition(line.substring(colon + 1));
                }
            }
            throw new S3Exception(S3ErrorCode.MALFORMED_POST_REQUEST);
        }

        private static PartHeaders disposition(String value) {
            List<String> parameters = DispositionParameters.split(value);
            if (parameters.isEmpty() || !parameters.get(0).equalsIgnoreCase("form-data")) {
                throw new S3Exception(S3ErrorCode.MALFORMED_POST_REQUEST);
            }
            String name = null;
            String fileName = null;
            for (String parameter : parameters.subList(1, parameters.size())) {
                int equals = parameter.indexOf('=');
                if (equals < 0) {
                    continue;
                }
                String attribute = parameter.substring(0, equals).strip().toLowerCase(Locale.ROOT);
                String attributeValue = DispositionParameters.unquote(
                        parameter.substring(equals + 1).strip());
                if (attribute.equals("name")) {
                    name = attributeValue;
                } else if (attribute.equals("filename")) {
                    fileName = attributeValue;
                }
            }
            if (name == null || name.isEmpty()) {
                throw new S3Exception(S3ErrorCode.MALFORMED_POST_REQUEST);
            }
            return new PartHeaders(name, fileName);
        }
    }
}

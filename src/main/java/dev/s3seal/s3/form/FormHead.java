package dev.s3seal.s3.form;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything of a form upload before the file's bytes: the fields in the order sent, the file
 * name the browser gave (null without one), and the file's length, known before its first byte
 * because the file is the last part and the body's length is declared.
 */
public record FormHead(List<FormField> fields, @Nullable String fileName, long fileLength) {

    public FormHead {
        fields = List.copyOf(fields);
    }
}

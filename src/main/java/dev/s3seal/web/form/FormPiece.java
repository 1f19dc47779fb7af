package dev.s3seal.web.form;

import dev.s3seal.s3.form.FormHead;
import org.springframework.core.io.buffer.DataBuffer;

/** What a form body becomes as it streams: first its head, then the file's bytes. */
sealed interface FormPiece {

    /** The fields and the file's name and length; comes once, before any file bytes. */
    record Head(FormHead head) implements FormPiece {}

    /** Bytes of the file, owned by whoever receives them. */
    record FileData(DataBuffer buffer) implements FormPiece {}
}

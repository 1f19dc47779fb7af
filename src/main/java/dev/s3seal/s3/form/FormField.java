package dev.s3seal.s3.form;

/** One field of a form before its file: the name as the form spelled it and its UTF-8 value. */
public record FormField(String name, String value) {

    @Override
    public String toString() {
        // values hold policies and signatures: never in a log line
        return "FormField[" + name + "]";
    }
}

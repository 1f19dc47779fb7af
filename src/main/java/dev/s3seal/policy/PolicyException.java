package dev.s3seal.policy;

/** A policy file s3seal refuses; the message is one line, {@code "<file>:<line>: <problem>"}. */
public class PolicyException extends RuntimeException {

    private final String source;
    private final int line;

    public PolicyException(String source, int line, String problem) {
        super(source + ":" + line + ": " + problem, null, false, false);
        this.source = source;
        this.line = line;
    }

    public String source() {
        return source;
    }

    /** One-based line of the problem. */
    public int line() {
        return line;
    }
}

package dev.s3seal.auth;
import java.util.List;
import java.util.Map;
/** PLACEHOLDER until the auth branch lands. */
public final class PayloadVerifier {
    private final long length;
    private PayloadVerifier(long length) { this.length = length; }
    public static PayloadVerifier forRequest(AuthResult auth, Map<String, List<String>> headers) {
        List<String> d = headers.get("x-amz-decoded-content-length");
        List<String> c = headers.get("content-length");
        return new PayloadVerifier(d != null ? Long.parseLong(d.get(0)) : c != null ? Long.parseLong(c.get(0)) : -1);
    }
    public long decodedLength() { return length; }
}

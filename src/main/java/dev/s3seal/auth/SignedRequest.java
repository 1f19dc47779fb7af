package dev.s3seal.auth;
import java.util.List;
import java.util.Map;
/** PLACEHOLDER until the auth branch lands. */
public record SignedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {}

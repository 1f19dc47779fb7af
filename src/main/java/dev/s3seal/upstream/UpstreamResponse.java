package dev.s3seal.upstream;

import org.springframework.http.HttpHeaders;

/** Status and headers of an upstream response; its body is handed over separately, as a stream. */
public record UpstreamResponse(int status, HttpHeaders headers) {

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}

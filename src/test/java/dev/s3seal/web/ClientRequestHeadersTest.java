package dev.s3seal.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.support.Netty4HeadersAdapter;

class ClientRequestHeadersTest {

    /** As Reactor Netty's server request exposes them: Spring's headers over Netty's. */
    private static HttpHeaders netty(String... namesAndValues) {
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return new HttpHeaders(new Netty4HeadersAdapter(headers));
    }

    @Test
    void shouldMergeCaseVariantsOfANameInArrivalOrderOnce() {
        HttpHeaders received =
                netty("Host", "h", "X-Amz-Meta-A", "1", "x-amz-meta-a", "2", "User-Agent", "u", "X-AMZ-META-A", "3");
        assertThat(ClientRequestHeaders.of(received))
                .containsExactly(
                        Map.entry("host", List.of("h")),
                        Map.entry("x-amz-meta-a", List.of("1", "2", "3")),
                        Map.entry("user-agent", List.of("u")));
    }

    /** Randomized: the same map as copying through {@link HttpHeaders#forEach}, over Netty's and Spring's own maps. */
    @Test
    void shouldCopyWhatHttpHeadersForEachGives() {
        String[] names = {"Host", "host", "HOST", "X-Amz-Date", "x-amz-date", "Range", "x-amz-meta-k", "X-Amz-Meta-K"};
        Random random = new Random(7);
        for (int round = 0; round < 2_000; round++) {
            List<String> namesAndValues = new ArrayList<>();
            int count = random.nextInt(8);
            for (int i = 0; i < count; i++) {
                namesAndValues.add(names[random.nextInt(names.length)]);
                namesAndValues.add("v" + random.nextInt(4));
            }
            HttpHeaders viaNetty = netty(namesAndValues.toArray(String[]::new));
            HttpHeaders spring = new HttpHeaders();
            for (int i = 0; i < namesAndValues.size(); i += 2) {
                spring.add(namesAndValues.get(i), namesAndValues.get(i + 1));
            }
            for (HttpHeaders received : List.of(viaNetty, spring)) {
                assertThat(ClientRequestHeaders.of(received))
                        .as(namesAndValues.toString())
                        .containsExactlyEntriesOf(viaForEach(received));
            }
        }
    }

    @Test
    void shouldRefuseAHeaderSectionOverTheLimit() {
        String value = "v".repeat(S3Gateway.MAX_HEADER_SECTION_BYTES / 2);
        assertThat(ClientRequestHeaders.of(netty("X-A", value))).hasSize(1);
        assertThatThrownBy(() -> ClientRequestHeaders.of(netty("X-A", value, "x-a", value)))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.REQUEST_HEADER_SECTION_TOO_LARGE));
    }

    /** The copy as the gateway made it before, through {@link HttpHeaders#forEach}. */
    private static Map<String, List<String>> viaForEach(HttpHeaders received) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        received.forEach(
                (name, values) -> headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                        .addAll(values));
        return headers;
    }
}

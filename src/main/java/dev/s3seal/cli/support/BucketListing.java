package dev.s3seal.cli.support;

import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.xml.StrictXml;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.upstream.UpstreamRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The objects under a prefix, listed directly from the upstream with ListObjectsV2 (signed with s3seal's upstream
 * credentials), page by page as the consumer asks for more: a bucket of any size is listed in bounded memory.
 */
public final class BucketListing {

    /** One listed object: its key and stored (ciphertext) size. */
    public record Entry(String key, long storedSize) {}

    /** ListObjectsV2 answers up to 1,000 keys, well under this. */
    private static final int MAX_PAGE_BYTES = 16 * 1024 * 1024;

    private final UpstreamClient upstream;

    public BucketListing(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    /**
     * Every object under {@code prefix} in key order; fails with {@link CommandFailure#configuration} when the
     * store refuses the listing (no such bucket, access denied), since then nothing can be verified.
     */
    public Flux<Entry> objects(String bucket, String prefix) {
        return page(bucket, prefix, null)
                .expand(page -> page.nextToken() == null ? Mono.empty() : page(bucket, prefix, page.nextToken()))
                .concatMapIterable(Page::entries);
    }

    private record Page(List<Entry> entries, String nextToken) {}

    private Mono<Page> page(String bucket, String prefix, String token) {
        List<QueryParameters.Parameter> query = new ArrayList<>();
        query.add(new QueryParameters.Parameter("list-type", "2"));
        if (prefix != null && !prefix.isEmpty()) {
            query.add(new QueryParameters.Parameter("prefix", prefix));
        }
        if (token != null) {
            query.add(new QueryParameters.Parameter("continuation-token", token));
        }
        UpstreamRequest list = new UpstreamRequest("GET", bucket, null, QueryParameters.of(query), Map.of(), -1);
        return upstream.exchange(
                        list,
                        Flux.empty(),
                        (response, body) -> DataBufferUtils.join(body, MAX_PAGE_BYTES)
                                .map(BucketListing::bytes)
                                .defaultIfEmpty(new byte[0])
                                .map(xml -> {
                                    if (!response.isSuccess()) {
                                        throw CommandFailure.configuration("cannot list s3://" + bucket + "/"
                                                + (prefix == null ? "" : prefix) + ": the store answered "
                                                + response.status() + " " + errorCode(xml));
                                    }
                                    return parse(xml);
                                }))
                .next();
    }

    private static Page parse(byte[] xml) {
        StrictXml.Element root;
        try {
            root = StrictXml.read(xml, "ListBucketResult");
        } catch (S3Exception malformed) {
            throw CommandFailure.configuration("the store's listing is not a ListObjectsV2 result");
        }
        List<Entry> entries = new ArrayList<>();
        for (StrictXml.Element contents : root.all("Contents")) {
            entries.add(new Entry(
                    contents.one("Key").leafText(),
                    Long.parseLong(contents.one("Size").leafText())));
        }
        StrictXml.Element truncated = root.optional("IsTruncated");
        StrictXml.Element next = root.optional("NextContinuationToken");
        boolean more = truncated != null && "true".equals(truncated.leafText());
        if (more && (next == null || next.leafText().isEmpty())) {
            throw CommandFailure.configuration("the store's listing is truncated without a continuation token");
        }
        return new Page(entries, more ? next.leafText() : null);
    }

    private static String errorCode(byte[] xml) {
        String text = new String(xml, java.nio.charset.StandardCharsets.UTF_8);
        int start = text.indexOf("<Code>");
        int end = text.indexOf("</Code>");
        return start >= 0 && end > start ? text.substring(start + 6, end) : "";
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] out = new byte[buffer.readableByteCount()];
            buffer.read(out);
            return out;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}

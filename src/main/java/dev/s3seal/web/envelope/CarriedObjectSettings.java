package dev.s3seal.web.envelope;

import dev.s3seal.s3.QueryParameters;
import dev.s3seal.upstream.UpstreamRequest;
import dev.s3seal.web.exchange.SmallExchanges;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Mono;

/**
 * The settings S3 applied to a completed object from its CreateMultipartUpload that a self-copy
 * would otherwise drop: its ACL and its tags, read back from the upstream (s3seal keeps no state,
 * the original request headers are gone) and turned into the request headers that set them again.
 * Best effort: an upstream that cannot answer (NotImplemented, AccessDenied) leaves the seal without
 * them rather than failing it.
 */
public final class CarriedObjectSettings {

    private static final Logger log = LoggerFactory.getLogger(CarriedObjectSettings.class);
    private static final XMLInputFactory FACTORY = factory();
    private static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    /** Object ACL permissions and the header granting each (WRITE has no meaning on an object). */
    private static final Map<String, String> GRANT_HEADERS = Map.of(
            "READ",
            "x-amz-grant-read",
            "READ_ACP",
            "x-amz-grant-read-acp",
            "WRITE_ACP",
            "x-amz-grant-write-acp",
            "FULL_CONTROL",
            "x-amz-grant-full-control");

    /** One grant of an AccessControlPolicy: the grantee as a header value ({@code id="..."}), the permission. */
    record Grant(String grantee, String permission) {}

    private final SmallExchanges small;

    public CarriedObjectSettings(SmallExchanges small) {
        this.small = small;
    }

    /** The ACL and tagging headers for a self-copy of bucket/key, given its HEAD answer; empty when none apply. */
    public Mono<Map<String, List<String>>> read(
            String bucket, String key, HttpHeaders stored, DataBufferFactory factory) {
        Mono<Map<String, List<String>>> acl =
                subresource(bucket, key, "acl", factory).map(CarriedObjectSettings::aclHeaders);
        return Mono.zip(acl.defaultIfEmpty(Map.of()), tags(bucket, key, stored, factory))
                .map(both -> {
                    Map<String, List<String>> headers = new LinkedHashMap<>(both.getT1());
                    headers.putAll(both.getT2());
                    return headers;
                });
    }

    /**
     * {@code x-amz-tagging} with the object's tags (GET ?tagging, only when its HEAD, {@code stored},
     * counts some); empty when it has none or the upstream does not answer.
     */
    public Mono<Map<String, List<String>>> tags(
            String bucket, String key, HttpHeaders stored, DataBufferFactory factory) {
        return hasTags(stored)
                ? subresource(bucket, key, "tagging", factory)
                        .map(CarriedObjectSettings::taggingHeaders)
                        .defaultIfEmpty(Map.of())
                : Mono.just(Map.of());
    }

    private static boolean hasTags(HttpHeaders stored) {
        String count = stored.getFirst("x-amz-tagging-count");
        try {
            return count != null && Integer.parseInt(count.trim()) > 0;
        } catch (NumberFormatException malformed) {
            return false;
        }
    }

    /** The body of GET ?{name}, or empty (logged at debug) when the upstream does not answer it. */
    private Mono<byte[]> subresource(String bucket, String key, String name, DataBufferFactory factory) {
        UpstreamRequest get =
                new UpstreamRequest("GET", bucket, key, QueryParameters.empty().with(name, null), Map.of(), -1);
        return small.call(get, null, factory).flatMap(answer -> {
            if (answer.isSuccess()) {
                return Mono.just(answer.body());
            }
            log.debug(
                    "not carrying the {} of {}/{} through the seal: upstream answered {}",
                    name,
                    bucket,
                    key,
                    answer.response().status());
            return Mono.empty();
        });
    }

    /** Grant headers for a GetObjectAcl answer; none when it is only the owner's FULL_CONTROL or unreadable. */
    static Map<String, List<String>> aclHeaders(byte[] xml) {
        String owner;
        List<Grant> grants = new ArrayList<>();
        try {
            owner = readAcl(xml, grants);
        } catch (IllegalArgumentException malformed) {
            log.debug("not carrying an unreadable ACL through the seal");
            return Map.of();
        }
        Grant ownerFull = new Grant("id=\"" + owner + "\"", "FULL_CONTROL");
        Set<Grant> granted = Set.copyOf(grants);
        if (granted.isEmpty() || granted.equals(Set.of(ownerFull))) {
            return Map.of();
        }
        if (granted.equals(Set.of(ownerFull, new Grant("uri=\"" + ALL_USERS + "\"", "READ")))) {
            return Map.of("x-amz-acl", List.of("public-read"));
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Grant grant : grants) {
            String header = GRANT_HEADERS.get(grant.permission());
            if (header != null) {
                headers.computeIfAbsent(header, h -> new ArrayList<>()).add(grant.grantee());
            }
        }
        headers.replaceAll((name, grantees) -> List.of(String.join(", ", grantees)));
        return headers;
    }

    /** The x-amz-tagging header for a GetObjectTagging answer ({@code k=v&...}, percent-encoded). */
    static Map<String, List<String>> taggingHeaders(byte[] xml) {
        List<String> pairs = new ArrayList<>();
        try {
            List<Map<String, String>> tags = elements(xml, "Tag");
            for (Map<String, String> tag : tags) {
                String name = tag.get("Key");
                if (name != null) {
                    pairs.add(encode(name) + "=" + encode(tag.getOrDefault("Value", "")));
                }
            }
        } catch (IllegalArgumentException malformed) {
            log.debug("not carrying unreadable tags through the seal");
            return Map.of();
        }
        return pairs.isEmpty() ? Map.of() : Map.of("x-amz-tagging", List.of(String.join("&", pairs)));
    }

    /** Percent-encoding for a query-style header: a space is %20, never the form '+' S3 may read literally. */
    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Fills {@code grants} from an AccessControlPolicy; returns the owner's ID. */
    private static String readAcl(byte[] xml, List<Grant> grants) {
        String owner = null;
        for (Map<String, String> element : elements(xml, "Owner", "Grant")) {
            if (element.containsKey("Permission")) {
                String grantee = grantee(element);
                if (grantee == null) {
                    throw new IllegalArgumentException("grant without a grantee");
                }
                grants.add(new Grant(grantee, element.get("Permission").trim()));
            } else if (element.containsKey("ID")) {
                owner = element.get("ID").trim();
            }
        }
        if (owner == null) {
            throw new IllegalArgumentException("ACL without an owner");
        }
        return owner;
    }

    private static String grantee(Map<String, String> grant) {
        if (grant.containsKey("ID")) {
            return "id=\"" + grant.get("ID").trim() + "\"";
        }
        if (grant.containsKey("URI")) {
            return "uri=\"" + grant.get("URI").trim() + "\"";
        }
        if (grant.containsKey("EmailAddress")) {
            return "emailAddress=\"" + grant.get("EmailAddress").trim() + "\"";
        }
        return null;
    }

    /**
     * Every element named one of {@code names}, as the text of the leaf elements inside it (at any
     * depth, by local name). StAX with DTDs and external entities off.
     */
    private static List<Map<String, String>> elements(byte[] xml, String... names) {
        Set<String> wanted = Set.of(names);
        List<Map<String, String>> found = new ArrayList<>();
        try {
            XMLStreamReader reader = FACTORY.createXMLStreamReader(new ByteArrayInputStream(xml));
            try {
                Map<String, String> current = null;
                StringBuilder text = new StringBuilder();
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        if (current == null && wanted.contains(reader.getLocalName())) {
                            current = new LinkedHashMap<>();
                        }
                        text.setLength(0);
                    } else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
                        text.append(reader.getText());
                    } else if (event == XMLStreamConstants.END_ELEMENT && current != null) {
                        if (wanted.contains(reader.getLocalName())) {
                            found.add(current);
                            current = null;
                        } else {
                            current.putIfAbsent(reader.getLocalName(), text.toString());
                        }
                        text.setLength(0);
                    }
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException | RuntimeException malformed) {
            throw new IllegalArgumentException("malformed XML", malformed);
        }
        return found;
    }

    private static XMLInputFactory factory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }
}

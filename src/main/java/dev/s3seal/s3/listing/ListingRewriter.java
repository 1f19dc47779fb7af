package dev.s3seal.s3.listing;

import dev.s3seal.s3.PercentCoding;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.listing.ListingParser.ParsedListing;
import dev.s3seal.s3.listing.ListingParser.RawEntry;
import dev.s3seal.s3.listing.ListingParser.TextRegion;
import dev.s3seal.s3.xml.Xml;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites S3 listing responses so clients see plaintext sizes and ETags instead of the
 * ciphertext ones the upstream reports.
 *
 * <p>Handled: ListBucketResult (v1 and v2, including {@code EncodingType=url}, whose keys the
 * mapper sees decoded), ListVersionsResult ({@code <Version>}; {@code <DeleteMarker>} untouched)
 * and ListPartsResult ({@code <Part>}). Any other document is returned as given.
 *
 * <p>The output is the input text with only the text of changed {@code <Size>} and {@code <ETag>}
 * elements replaced: element order, namespaces, whitespace, comments and the escaping of every
 * other character survive byte for byte. When nothing changes the input array itself is returned.
 * The input is parsed with StAX without DTD support; a DTD, malformed XML, a non-UTF-8 body or a
 * body above {@link #MAX_LISTING_BYTES} is an {@link IllegalArgumentException} with a short
 * message for the caller to map. The mapper is only called once the whole body has been parsed.
 */
public final class ListingRewriter {

    /** A listing body above this is refused; the caller joins the upstream body with this cap. */
    public static final int MAX_LISTING_BYTES = 16 * 1024 * 1024;

    private static final String XML_DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    private record Edit(TextRegion region, String replacement) {}

    private ListingRewriter() {}

    /** Returns the listing as the client should see it; see the class comment. */
    public static byte[] rewrite(byte[] xml, ListedObjectMapper mapper) {
        Objects.requireNonNull(xml, "xml");
        Objects.requireNonNull(mapper, "mapper");
        if (xml.length > MAX_LISTING_BYTES) {
            throw new IllegalArgumentException("listing body exceeds " + MAX_LISTING_BYTES + " bytes");
        }
        String text = decodeUtf8(xml);
        boolean hasDeclaration =
                text.startsWith("<?xml") && text.length() > 5 && Character.isWhitespace(text.charAt(5));
        ParsedListing listing = ListingParser.parse(text);
        if (listing == null) {
            return xml;
        }
        List<Edit> edits = new ArrayList<>();
        for (RawEntry entry : listing.entries()) {
            collectEdits(entry, listing, mapper, edits);
        }
        if (edits.isEmpty() && hasDeclaration) {
            return xml;
        }
        edits.sort(Comparator.comparingInt(edit -> edit.region().start()));
        return splice(text, edits, hasDeclaration).getBytes(StandardCharsets.UTF_8);
    }

    private static void collectEdits(RawEntry raw, ParsedListing listing, ListedObjectMapper mapper, List<Edit> edits) {
        ListedObject listed = toListedObject(raw, listing);
        ListedObject seen = mapper.map(listed);
        if (seen == null) {
            return;
        }
        if (seen.size() < 0) {
            throw new IllegalArgumentException("mapper returned a negative size");
        }
        if (seen.size() != listed.size()) {
            edits.add(new Edit(raw.sizeRegion(), Long.toString(seen.size())));
        }
        if (raw.etagRegion() != null && seen.etag() != null && !seen.etag().equals(listed.etag())) {
            edits.add(new Edit(raw.etagRegion(), Xml.escape(seen.etag())));
        }
    }

    private static ListedObject toListedObject(RawEntry raw, ParsedListing listing) {
        String key = raw.isPart() ? listing.uploadKey() : raw.key();
        if (key == null && !raw.isPart()) {
            throw new IllegalArgumentException("listed entry has no Key");
        }
        if (key != null && listing.urlEncodedKeys()) {
            key = urlDecode(key);
        }
        long size = parseNumber(raw.size(), "Size", Long.MAX_VALUE);
        int partNumber = raw.isPart() ? (int) parseNumber(raw.partNumber(), "PartNumber", Integer.MAX_VALUE) : 0;
        return new ListedObject(key, size, raw.etag(), raw.lastModified(), raw.isPart(), partNumber, raw.versionId());
    }

    private static long parseNumber(@Nullable String value, String field, long max) {
        long number;
        try {
            number = value == null ? -1 : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            number = -1;
        }
        if (number < 0 || number > max) {
            throw new IllegalArgumentException("listed entry has a missing or bad " + field);
        }
        return number;
    }

    /** S3 encodes keys as form data: '+' is a space, a literal '+' is %2B. */
    private static String urlDecode(String encoded) {
        try {
            return PercentCoding.decode(encoded, true);
        } catch (S3Exception e) {
            throw new IllegalArgumentException("listing has a malformed URL-encoded key");
        }
    }

    private static String splice(String text, List<Edit> edits, boolean hasDeclaration) {
        StringBuilder out = new StringBuilder(text.length() + XML_DECLARATION.length() + edits.size() * 8);
        if (!hasDeclaration) {
            out.append(XML_DECLARATION);
        }
        int copied = 0;
        for (Edit edit : edits) {
            TextRegion region = edit.region();
            out.append(text, copied, region.start());
            if (region.emptyElementName() == null) {
                out.append(edit.replacement());
            } else {
                out.append('>')
                        .append(edit.replacement())
                        .append("</")
                        .append(region.emptyElementName())
                        .append('>');
            }
            copied = region.end();
        }
        return out.append(text, copied, text.length()).toString();
    }

    private static String decodeUtf8(byte[] xml) {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(xml))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("listing is not valid UTF-8");
        }
    }
}

package dev.s3seal.s3.listing;

import dev.s3seal.s3.xml.XmlTagCursor;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.jspecify.annotations.Nullable;

/**
 * Reads a listing with StAX (no DTDs, no external entities) and records, for every entry, its
 * field values and where the text of its {@code <Size>} and {@code <ETag>} sits in the original
 * text. Malformed input is an {@link IllegalArgumentException}.
 */
final class ListingParser {

    /** Where a field's text sits: {@code [start, end)}; an empty element {@code <ETag/>} has a closing tag to add. */
    record TextRegion(int start, int end, @Nullable String emptyElementName) {}

    record RawEntry(
            boolean isPart,
            @Nullable String key,
            @Nullable String size,
            @Nullable TextRegion sizeRegion,
            @Nullable String etag,
            @Nullable TextRegion etagRegion,
            @Nullable String lastModified,
            @Nullable String partNumber,
            @Nullable String versionId) {}

    /** The listing's entries, in document order; {@code uploadKey} is the root-level Key of ListParts. */
    record ParsedListing(boolean urlEncodedKeys, @Nullable String uploadKey, List<RawEntry> entries) {}

    private final XMLStreamReader reader;
    private final XmlTagCursor tags;
    private @Nullable String rootNamespace;
    private String entryElement;

    private ListingParser(String text) throws XMLStreamException {
        this.reader = newFactory().createXMLStreamReader(new StringReader(text));
        this.tags = new XmlTagCursor(text);
    }

    /** Parses a listing, or returns null when the document is not one of the rewritten listings. */
    static @Nullable ParsedListing parse(String text) {
        try {
            ListingParser parser = new ListingParser(text);
            try {
                return parser.readDocument();
            } finally {
                parser.reader.close();
            }
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException("listing is not well-formed XML", e);
        }
    }

    private @Nullable ParsedListing readDocument() throws XMLStreamException {
        if (!moveToRoot()) {
            throw new IllegalArgumentException("listing has no root element");
        }
        entryElement = switch (reader.getLocalName()) {
            case "ListBucketResult" -> "Contents";
            case "ListVersionsResult" -> "Version";
            case "ListPartsResult" -> "Part";
            default -> null;
        };
        if (entryElement == null) {
            return null;
        }
        String declaredEncoding = reader.getCharacterEncodingScheme();
        if (declaredEncoding != null && !declaredEncoding.equalsIgnoreCase("UTF-8")) {
            throw new IllegalArgumentException("listing declares an encoding other than UTF-8");
        }
        rootNamespace = reader.getNamespaceURI();
        boolean urlEncoded = false;
        String uploadKey = null;
        List<RawEntry> entries = new ArrayList<>();
        while (nextTag() == XMLStreamConstants.START_ELEMENT) {
            String name = ownChildName();
            if (entryElement.equals(name)) {
                entries.add(readEntry());
            } else if ("EncodingType".equals(name)) {
                urlEncoded = "url".equalsIgnoreCase(elementText().strip());
            } else if ("Key".equals(name)) {
                uploadKey = elementText();
            } else {
                skipElement();
            }
        }
        requireEndOfDocument();
        return new ParsedListing(urlEncoded, uploadKey, entries);
    }

    private RawEntry readEntry() throws XMLStreamException {
        String key = null;
        String size = null;
        String etag = null;
        String lastModified = null;
        String partNumber = null;
        String versionId = null;
        TextRegion sizeRegion = null;
        TextRegion etagRegion = null;
        while (nextTag() == XMLStreamConstants.START_ELEMENT) {
            String name = ownChildName();
            if ("Size".equals(name)) {
                int contentStart = tags.tagEnd();
                size = elementText();
                sizeRegion = regionEndingHere(contentStart);
            } else if ("ETag".equals(name)) {
                int contentStart = tags.tagEnd();
                etag = elementText();
                etagRegion = regionEndingHere(contentStart);
            } else if ("Key".equals(name)) {
                key = elementText();
            } else if ("LastModified".equals(name)) {
                lastModified = elementText();
            } else if ("PartNumber".equals(name)) {
                partNumber = elementText();
            } else if ("VersionId".equals(name)) {
                versionId = elementText();
            } else {
                skipElement();
            }
        }
        return new RawEntry(
                "Part".equals(entryElement),
                key,
                size,
                sizeRegion,
                etag,
                etagRegion,
                lastModified,
                partNumber,
                versionId);
    }

    /** Called on a field's END_ELEMENT, with the index just after its start tag. */
    private TextRegion regionEndingHere(int contentStart) {
        if (tags.isEmptyElement()) {
            return new TextRegion(tags.tagEnd() - 2, tags.tagEnd(), tags.qualifiedName());
        }
        return new TextRegion(contentStart, tags.tagStart(), null);
    }

    /** The local name of a child in the listing's own namespace, or null for a foreign element. */
    private @Nullable String ownChildName() {
        return Objects.equals(rootNamespace, reader.getNamespaceURI()) ? reader.getLocalName() : null;
    }

    private boolean moveToRoot() throws XMLStreamException {
        while (reader.hasNext()) {
            int event = reader.next();
            if (event == XMLStreamConstants.DTD) {
                throw new IllegalArgumentException("listing must not contain a DTD");
            }
            if (event == XMLStreamConstants.START_ELEMENT) {
                advanceTags();
                return true;
            }
        }
        return false;
    }

    /** Moves to the next START_ELEMENT or END_ELEMENT, skipping whitespace, comments and PIs. */
    private int nextTag() throws XMLStreamException {
        int event = reader.nextTag();
        advanceTags();
        return event;
    }

    /** Reads a text-only element's text and leaves the reader on its END_ELEMENT. */
    private String elementText() throws XMLStreamException {
        String value = reader.getElementText();
        advanceTags();
        return value;
    }

    private void skipElement() throws XMLStreamException {
        int depth = 1;
        while (depth > 0) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
                advanceTags();
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
                advanceTags();
            }
        }
    }

    private void requireEndOfDocument() throws XMLStreamException {
        while (reader.hasNext()) {
            reader.next();
        }
    }

    /** Keeps the tag cursor on the tag of the reader's current event, and proves they agree. */
    private void advanceTags() {
        tags.next();
        boolean readerAtEnd = reader.getEventType() == XMLStreamConstants.END_ELEMENT;
        String prefix = reader.getPrefix();
        String name = prefix == null || prefix.isEmpty() ? reader.getLocalName() : prefix + ":" + reader.getLocalName();
        if (tags.isEndTag() != readerAtEnd || !tags.qualifiedName().equals(name)) {
            throw new IllegalStateException("tag cursor out of step with the XML reader at <" + name + ">");
        }
    }

    private static XMLInputFactory newFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return factory;
    }
}

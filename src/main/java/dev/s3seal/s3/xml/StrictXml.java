package dev.s3seal.s3.xml;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.jspecify.annotations.Nullable;

/**
 * Reads the small XML documents a client sends in a request body (DeleteObjects,
 * CompleteMultipartUpload) into a tree of elements, accepting only the plain form S3's schemas
 * describe: elements in no namespace or in S3's, leaves holding text and containers holding only
 * elements. Everything a lenient parser might read one way and the upstream another is refused
 * with {@code MalformedXML}: attributes, a DTD or entity declarations, processing instructions,
 * other namespaces, text beside child elements, another encoding than UTF-8, XML 1.1.
 *
 * <p>What the document <em>means</em> is unambiguous after this (comments are dropped, CDATA and
 * character references are text), and callers re-serialise their own parse for the upstream, so
 * the upstream reads exactly what s3seal checked. Schema rules (which element where, how many)
 * are the caller's, through {@link Element}'s accessors, which also refuse with MalformedXML.
 */
public final class StrictXml {

    /** The namespace S3's request documents may declare as the default one. */
    public static final String S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

    /** S3's documents are at most three levels deep; a little room, then refusal. */
    private static final int MAX_DEPTH = 6;

    private static final XMLInputFactory FACTORY = factory();

    private StrictXml() {}

    /**
     * An element: a leaf has text and no children; a container has children and null text.
     * An empty element ({@code <Key/>}) is a leaf with empty text.
     */
    public record Element(String name, @Nullable String text, List<Element> children) {

        /** The only child called {@code name}: MalformedXML when it is missing or repeated. */
        public Element one(String name) {
            Element found = optional(name);
            if (found == null) {
                throw malformed();
            }
            return found;
        }

        /** The child called {@code name}, null when absent: MalformedXML when repeated. */
        public @Nullable Element optional(String name) {
            Element found = null;
            for (Element child : children) {
                if (child.name.equals(name)) {
                    if (found != null) {
                        throw malformed();
                    }
                    found = child;
                }
            }
            return found;
        }

        /** The children called {@code name}, in document order. */
        public List<Element> all(String name) {
            return children.stream().filter(child -> child.name.equals(name)).toList();
        }

        /** MalformedXML unless every child is called one of {@code names}. */
        public Element allowing(String... names) {
            for (Element child : children) {
                if (!List.of(names).contains(child.name)) {
                    throw malformed();
                }
            }
            return this;
        }

        /** This element's text: MalformedXML when it is a container. */
        public String leafText() {
            if (text == null) {
                throw malformed();
            }
            return text;
        }
    }

    /** The document's root element, which must be called {@code rootName}. */
    public static Element read(byte[] xml, String rootName) {
        Element root;
        try {
            XMLStreamReader reader = FACTORY.createXMLStreamReader(new ByteArrayInputStream(xml));
            try {
                checkProlog(reader);
                root = readDocument(reader);
            } finally {
                reader.close();
            }
        } catch (XMLStreamException | RuntimeException unreadable) {
            if (unreadable instanceof S3Exception refused) {
                throw refused;
            }
            throw malformed();
        }
        if (!root.name().equals(rootName)) {
            throw malformed();
        }
        return root;
    }

    private static void checkProlog(XMLStreamReader reader) {
        String version = reader.getVersion();
        String encoding = reader.getCharacterEncodingScheme();
        if ((version != null && !version.equals("1.0"))
                || (encoding != null && !encoding.toUpperCase(Locale.ROOT).equals("UTF-8"))) {
            throw malformed();
        }
    }

    private static Element readDocument(XMLStreamReader reader) throws XMLStreamException {
        Element root = null;
        while (reader.hasNext()) {
            int event = reader.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT -> {
                    if (root != null) {
                        throw malformed();
                    }
                    root = readElement(reader, reader.getNamespaceURI(), 1);
                }
                case XMLStreamConstants.COMMENT, XMLStreamConstants.SPACE, XMLStreamConstants.END_DOCUMENT -> {}
                case XMLStreamConstants.CHARACTERS -> requireWhitespace(reader.getText());
                default -> throw malformed(); // DTD, processing instruction, entity reference
            }
        }
        if (root == null) {
            throw malformed();
        }
        return root;
    }

    /** Reads from a START_ELEMENT to its END_ELEMENT. */
    private static Element readElement(XMLStreamReader reader, String documentNamespace, int depth)
            throws XMLStreamException {
        if (depth > MAX_DEPTH || reader.getAttributeCount() > 0 || !inDocumentNamespace(reader, documentNamespace)) {
            throw malformed();
        }
        for (int i = 0; i < reader.getNamespaceCount(); i++) {
            if (!S3_NAMESPACE.equals(reader.getNamespaceURI(i))) {
                throw malformed();
            }
        }
        String name = reader.getLocalName();
        StringBuilder text = new StringBuilder();
        List<Element> children = new ArrayList<>();
        while (true) {
            int event = reader.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT ->
                    children.add(readElement(reader, documentNamespace, depth + 1));
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                    text.append(reader.getText());
                case XMLStreamConstants.COMMENT -> {}
                case XMLStreamConstants.END_ELEMENT -> {
                    if (children.isEmpty()) {
                        return new Element(name, text.toString(), List.of());
                    }
                    requireWhitespace(text);
                    return new Element(name, null, List.copyOf(children));
                }
                default -> throw malformed();
            }
        }
    }

    /** Every element in the root's namespace, which is none or S3's; a prefix bound to S3's is fine. */
    private static boolean inDocumentNamespace(XMLStreamReader reader, @Nullable String documentNamespace) {
        String namespace = reader.getNamespaceURI() == null ? "" : reader.getNamespaceURI();
        String expected = documentNamespace == null ? "" : documentNamespace;
        return namespace.equals(expected) && (namespace.isEmpty() || namespace.equals(S3_NAMESPACE));
    }

    private static void requireWhitespace(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                throw malformed();
            }
        }
    }

    /** Text for an element of a document s3seal writes: markup escaped, '\r' kept as a reference (XML would read it as '\n'). */
    public static String text(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\r' -> out.append("&#13;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static S3Exception malformed() {
        return new S3Exception(S3ErrorCode.MALFORMED_XML);
    }

    private static XMLInputFactory factory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }
}

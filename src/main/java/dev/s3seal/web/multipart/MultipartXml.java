package dev.s3seal.web.multipart;

import dev.s3seal.auth.payload.ChecksumAlgorithm;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.xml.StrictXml;
import dev.s3seal.s3.xml.Xml;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The small XML documents of multipart uploads: the client's CompleteMultipartUpload part list,
 * the upstream's ListPartsResult and CopyPartResult, and the UploadId of InitiateMultipartUploadResult.
 * Read with StAX, DTDs and external entities off.
 */
public final class MultipartXml {

    /** Cap on a client's CompleteMultipartUpload body (10 000 parts fit in well under 1 MiB). */
    static final int MAX_COMPLETE_BYTES = 1024 * 1024;

    private static final XMLInputFactory FACTORY = factory();

    /** S3's limit on the parts of one upload. */
    private static final int MAX_PARTS = 10_000;

    private static final String[] PART_FIELDS = {
        "PartNumber", "ETag", "ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1", "ChecksumSHA256"
    };

    /**
     * One {@code <Part>}: number, ETag as written (with quotes), size or -1 when absent, and the
     * checksums the client listed for it (element name, such as {@code ChecksumCRC32}, to value).
     */
    record Part(int number, String etag, long size, Map<String, String> checksums) {

        Part(int number, String etag, long size) {
            this(number, etag, size, Map.of());
        }

        /** The checksum the client listed under {@code algorithm}, if any. */
        Optional<String> checksum(ChecksumAlgorithm algorithm) {
            return Optional.ofNullable(checksums.get("Checksum" + algorithm.name()));
        }
    }

    /** A document's parts plus its top-level fields (IsTruncated, NextPartNumberMarker, ETag, UploadId, ...). */
    public record Document(String root, List<Part> parts, Map<String, String> fields) {

        public String field(String name) {
            return fields.get(name);
        }
    }

    private MultipartXml() {}

    /**
     * Parses a document; each {@code <Part>}'s PartNumber, ETag and Size, and the text of every
     * other element whose parent is the root.
     *
     * @throws IllegalArgumentException when it is not well-formed or a number is malformed
     */
    public static Document parse(byte[] xml) {
        List<Part> parts = new ArrayList<>();
        Map<String, String> fields = new HashMap<>();
        String root = null;
        try {
            XMLStreamReader reader = FACTORY.createXMLStreamReader(new ByteArrayInputStream(xml));
            try {
                int depth = 0;
                Map<String, String> part = null;
                String current = null;
                StringBuilder text = new StringBuilder();
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        depth++;
                        String name = reader.getLocalName();
                        if (depth == 1) {
                            root = name;
                        } else if (depth == 2 && name.equals("Part")) {
                            part = new HashMap<>();
                        }
                        current = name;
                        text.setLength(0);
                    } else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
                        text.append(reader.getText());
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        String name = reader.getLocalName();
                        if (depth == 2 && name.equals("Part") && part != null) {
                            parts.add(new Part(
                                    Integer.parseInt(
                                            part.getOrDefault("PartNumber", "0").trim()),
                                    part.get("ETag"),
                                    part.containsKey("Size")
                                            ? Long.parseLong(part.get("Size").trim())
                                            : -1));
                            part = null;
                        } else if (depth == 3 && part != null && name.equals(current)) {
                            part.put(name, text.toString());
                        } else if (depth == 2 && name.equals(current)) {
                            fields.put(name, text.toString());
                        }
                        text.setLength(0);
                        depth--;
                    }
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException | RuntimeException malformed) {
            throw new IllegalArgumentException("malformed multipart XML", malformed);
        }
        if (root == null) {
            throw new IllegalArgumentException("empty XML document");
        }
        return new Document(root, parts, fields);
    }

    /**
     * The client's part list, read strictly as S3's schema has it ({@code CompleteMultipartUpload}
     * holding 1 to 10 000 {@code Part}s of one {@code PartNumber}, one {@code ETag} and optional
     * checksums): anything else is MalformedXML. The upstream gets {@link #completeBody} of this
     * list, never the client's document.
     */
    static List<Part> clientParts(byte[] xml) {
        StrictXml.Element complete =
                StrictXml.read(xml, "CompleteMultipartUpload").allowing("Part");
        List<StrictXml.Element> elements = complete.all("Part");
        if (elements.isEmpty() || elements.size() > MAX_PARTS) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        List<Part> parts = new ArrayList<>(elements.size());
        for (StrictXml.Element part : elements) {
            part.allowing(PART_FIELDS);
            for (String field : PART_FIELDS) {
                part.optional(field); // each at most once
            }
            String number = part.one("PartNumber").leafText().trim();
            int partNumber = number.matches("\\d{1,5}") ? Integer.parseInt(number) : 0;
            if (partNumber < 1 || partNumber > MAX_PARTS) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
            Map<String, String> checksums = new HashMap<>();
            for (String field : PART_FIELDS) {
                if (field.startsWith("Checksum")) {
                    StrictXml.Element value = part.optional(field);
                    if (value != null) {
                        checksums.put(field, value.leafText().trim());
                    }
                }
            }
            parts.add(new Part(partNumber, part.one("ETag").leafText(), -1, checksums));
        }
        return parts;
    }

    /** A CompleteMultipartUpload body naming only part numbers and ETags. */
    static byte[] completeBody(List<Part> parts) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload>");
        for (Part part : parts) {
            xml.append("<Part><PartNumber>")
                    .append(part.number())
                    .append("</PartNumber><ETag>")
                    .append(StrictXml.text(part.etag()))
                    .append("</ETag></Part>");
        }
        return xml.append("</CompleteMultipartUpload>").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A CompleteMultipartUploadResult with the object's checksum as S3 writes it ({@code <ChecksumCRC32>}
     * and the like, then {@code <ChecksumType>}), in place of any the upstream wrote (those describe
     * the ciphertext).
     */
    static byte[] withChecksum(byte[] xml, ChecksumAlgorithm algorithm, String value, String type) {
        String text = new String(xml, StandardCharsets.UTF_8)
                .replaceAll("<Checksum(CRC32|CRC32C|CRC64NVME|SHA1|SHA256|Type)>[^<]*</Checksum\\1>", "");
        int end = text.lastIndexOf("</CompleteMultipartUploadResult>");
        if (end < 0) {
            return xml;
        }
        String element = "Checksum" + algorithm.name();
        return (text.substring(0, end) + "<" + element + ">" + Xml.escape(value) + "</" + element + "><ChecksumType>"
                        + type + "</ChecksumType>" + text.substring(end))
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A ListPartsResult with the upload's checksum algorithm and type, as S3 lists them (the parts'
     * own checksums of the plaintext are not kept anywhere s3seal could read them back).
     */
    static byte[] withUploadChecksum(byte[] xml, UploadChecksum checksum) {
        String text =
                new String(xml, StandardCharsets.UTF_8).replaceAll("<Checksum(Algorithm|Type)>[^<]*</Checksum\\1>", "");
        int end = text.lastIndexOf("</ListPartsResult>");
        if (end < 0) {
            return xml;
        }
        return (text.substring(0, end) + "<ChecksumAlgorithm>"
                        + checksum.algorithm().name()
                        + "</ChecksumAlgorithm><ChecksumType>" + checksum.type().name() + "</ChecksumType>"
                        + text.substring(end))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** {@code xml} with the text of its first {@code <UploadId>} replaced (escaped forms of both ids). */
    static byte[] replaceUploadId(byte[] xml, String upstreamId, String clientId) {
        String text = new String(xml, StandardCharsets.UTF_8);
        String from = "<UploadId>" + Xml.escape(upstreamId) + "</UploadId>";
        int at = text.indexOf(from);
        if (at < 0) {
            from = "<UploadId>" + upstreamId + "</UploadId>";
            at = text.indexOf(from);
        }
        if (at < 0) {
            throw new IllegalArgumentException("upload id not found in the upstream response");
        }
        return (text.substring(0, at) + "<UploadId>" + Xml.escape(clientId) + "</UploadId>"
                        + text.substring(at + from.length()))
                .getBytes(StandardCharsets.UTF_8);
    }

    private static XMLInputFactory factory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }
}

package dev.s3seal.web.multipart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.auth.payload.ChecksumAlgorithm;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultipartXmlTest {

    @Test
    void shouldReadClientPartListWithNamespaceAndChecksums() {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload "
                + "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Part><ETag>&quot;a1&quot;</ETag>"
                + "<ChecksumCRC32>xyz</ChecksumCRC32><PartNumber>1</PartNumber></Part>"
                + "<Part><PartNumber>2</PartNumber><ETag>\"b2\"</ETag></Part></CompleteMultipartUpload>";
        List<MultipartXml.Part> parts = MultipartXml.clientParts(xml.getBytes(StandardCharsets.UTF_8));
        assertThat(parts)
                .containsExactly(
                        new MultipartXml.Part(1, "\"a1\"", -1, Map.of("ChecksumCRC32", "xyz")),
                        new MultipartXml.Part(2, "\"b2\"", -1));
        String rebuilt = new String(MultipartXml.completeBody(parts), StandardCharsets.UTF_8);
        assertThat(rebuilt)
                .contains("<Part><PartNumber>1</PartNumber><ETag>&quot;a1&quot;</ETag></Part>")
                .doesNotContain("Checksum");
    }

    @Test
    void shouldWriteTheObjectChecksumInPlaceOfTheUpstreams() {
        String upstream = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUploadResult><Bucket>b</Bucket>"
                + "<ETag>\"e-2\"</ETag><ChecksumCRC64NVME>ciphertext</ChecksumCRC64NVME><ChecksumType>FULL_OBJECT"
                + "</ChecksumType></CompleteMultipartUploadResult>";

        String answered = new String(
                MultipartXml.withChecksum(
                        upstream.getBytes(StandardCharsets.UTF_8), ChecksumAlgorithm.SHA256, "abc=-2", "COMPOSITE"),
                StandardCharsets.UTF_8);

        assertThat(answered)
                .doesNotContain("ciphertext", "FULL_OBJECT")
                .endsWith("<ETag>\"e-2\"</ETag><ChecksumSHA256>abc=-2</ChecksumSHA256><ChecksumType>COMPOSITE"
                        + "</ChecksumType></CompleteMultipartUploadResult>");
    }

    @Test
    void shouldRefuseDtdsAndOtherDocumentsAsMalformedXml() {
        for (String xml : List.of(
                "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                        + "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&e;</ETag></Part>"
                        + "</CompleteMultipartUpload>",
                "<Other/>",
                "<CompleteMultipartUpload/>",
                "not xml",
                "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>")) {
            assertThatThrownBy(() -> MultipartXml.clientParts(xml.getBytes(StandardCharsets.UTF_8)))
                    .as(xml)
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.MALFORMED_XML));
        }
    }

    @Test
    void shouldReadListPartsPageAndReplaceUploadId() {
        String xml = "<ListPartsResult><UploadId>u&amp;1</UploadId><IsTruncated>true</IsTruncated>"
                + "<NextPartNumberMarker>2</NextPartNumberMarker><Part><PartNumber>1</PartNumber><ETag>\"e\"</ETag>"
                + "<Size>107</Size></Part></ListPartsResult>";
        MultipartXml.Document document = MultipartXml.parse(xml.getBytes(StandardCharsets.UTF_8));
        assertThat(document.field("UploadId")).isEqualTo("u&1");
        assertThat(document.field("IsTruncated")).isEqualTo("true");
        assertThat(document.parts()).containsExactly(new MultipartXml.Part(1, "\"e\"", 107));
        String replaced = new String(
                MultipartXml.replaceUploadId(xml.getBytes(StandardCharsets.UTF_8), "u&1", "u&1.Zm9v"),
                StandardCharsets.UTF_8);
        assertThat(replaced).contains("<UploadId>u&amp;1.Zm9v</UploadId>");
    }

    @Test
    void shouldRefuseClientPartListsOutsideTheSchemaAsMalformedXml() {
        for (String xml : List.of(
                "<CompleteMultipartUpload><Part PartNumber=\"1\" ETag=\"e\"/></CompleteMultipartUpload>",
                "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><PartNumber>2</PartNumber><ETag>e</ETag>"
                        + "</Part></CompleteMultipartUpload>",
                "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag><ETag>f</ETag></Part>"
                        + "</CompleteMultipartUpload>",
                "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag><Size>5</Size></Part>"
                        + "</CompleteMultipartUpload>",
                "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>",
                "<CompleteMultipartUpload><Part><PartNumber>10001</PartNumber><ETag>e</ETag></Part>"
                        + "</CompleteMultipartUpload>",
                "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part><Extra/>"
                        + "</CompleteMultipartUpload>",
                "<CompleteMultipartUpload xmlns=\"http://example.com/\"><Part><PartNumber>1</PartNumber>"
                        + "<ETag>e</ETag></Part></CompleteMultipartUpload>",
                "<CompleteMultipartUpload><Wrapper><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part></Wrapper>"
                        + "</CompleteMultipartUpload>")) {
            assertThatThrownBy(() -> MultipartXml.clientParts(xml.getBytes(StandardCharsets.UTF_8)))
                    .as(xml)
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.MALFORMED_XML));
        }
    }

    @Test
    void shouldReadIndentedPartListsWithCdataAndCommentsAndWriteThemAgainFromTheParse() {
        String xml =
                "<?xml version=\"1.0\"?>\n<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
                        + "  <!-- part one -->\n  <Part>\n    <PartNumber> 1 </PartNumber>\n    <ETag><![CDATA[\"a<1\"]]></ETag>\n"
                        + "  </Part>\n</CompleteMultipartUpload>\n";
        List<MultipartXml.Part> parts = MultipartXml.clientParts(xml.getBytes(StandardCharsets.UTF_8));
        assertThat(parts).containsExactly(new MultipartXml.Part(1, "\"a<1\"", -1));
        assertThat(new String(MultipartXml.completeBody(parts), StandardCharsets.UTF_8))
                .contains("<Part><PartNumber>1</PartNumber><ETag>&quot;a&lt;1&quot;</ETag></Part>");
    }
}

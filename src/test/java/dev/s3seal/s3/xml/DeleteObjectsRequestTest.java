package dev.s3seal.s3.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DeleteObjects bodies: the forms real clients send are read, every other form is MalformedXML,
 * and what goes upstream is written from the parse, so it names exactly the keys that were read.
 */
class DeleteObjectsRequestTest {

    private static final String NS = " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

    @Test
    void shouldReadTheBodiesRealClientsSend() {
        // AWS SDK for Java v2 / CLI v2: declaration, namespace, Quiet, no whitespace
        assertThat(keys("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete" + NS + "><Object><Key>a.txt</Key></Object>"
                        + "<Object><Key>dir/b c</Key><VersionId>v1</VersionId></Object><Quiet>true</Quiet></Delete>"))
                .containsExactly("a.txt", "dir/b c");
        // boto3 / s3cmd / rclone: namespace, indentation, Quiet first, ETag
        assertThat(keys("<Delete" + NS + ">\n  <Quiet>false</Quiet>\n  <Object>\n    <Key>x</Key>\n"
                        + "    <ETag>\"e\"</ETag>\n  </Object>\n</Delete>\n"))
                .containsExactly("x");
        // botocore's serializer, verbatim
        assertThat(keys("<Delete" + NS + "><Object><Key>a &amp; &lt;b&gt;.txt</Key></Object><Object><Key>k2</Key>"
                        + "<VersionId>v1</VersionId></Object><Quiet>true</Quiet></Delete>"))
                .containsExactly("a & <b>.txt", "k2");
        // s3cmd: a declaration, no namespace
        assertThat(keys("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Object><Key>no-namespace</Key></Object>"
                        + "</Delete>"))
                .containsExactly("no-namespace");
        assertThat(keys("<s3:Delete xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\"><s3:Object><s3:Key>prefixed"
                        + "</s3:Key></s3:Object></s3:Delete>"))
                .containsExactly("prefixed");
    }

    @Test
    void shouldKeepKeysExactlyAsXmlDefinesThem() {
        assertThat(keys("<Delete><Object><Key> spaced &amp; &lt;marked&gt; &#x41;&#13; </Key></Object></Delete>"))
                .containsExactly(" spaced & <marked> A\r ");
        assertThat(keys("<Delete><Object><Key><![CDATA[archive/<keep>.txt]]></Key></Object></Delete>"))
                .containsExactly("archive/<keep>.txt");
        assertThat(keys("<Delete><Object><Key>arch<!-- a comment -->ive/keep.txt</Key></Object></Delete>"))
                .containsExactly("archive/keep.txt");
    }

    @Test
    void shouldRefuseEveryFormOutsideTheSchemaAsMalformedXml() {
        for (String xml : List.of(
                "<Delete><Object Key=\"archive/keep.txt\"/></Delete>", // attribute form
                "<Delete><Object><Key k=\"v\">a</Key></Object></Delete>", // attribute on Key
                "<Delete xml:lang=\"en\"><Object><Key>a</Key></Object></Delete>", // xml: attribute
                "<Delete><Object><Key>a</Key><Key>archive/keep.txt</Key></Object></Delete>", // duplicated Key
                "<Delete><Object><Key><Key>archive/keep.txt</Key></Key></Object></Delete>", // nested Key
                "<Delete><Object><Name>archive/keep.txt</Name></Object></Delete>", // unknown element
                "<Delete><Object><Key>a</Key><Extra/></Object></Delete>",
                "<Delete><Objects><Object><Key>a</Key></Object></Objects></Delete>",
                "<Delete><Key>archive/keep.txt</Key></Delete>",
                "<Delete><Object>archive/keep.txt<Key>a</Key></Object></Delete>", // mixed content
                "<Delete><Object><Key>a</Key></Object><Quiet>true</Quiet><Quiet>false</Quiet></Delete>",
                "<Delete><Quiet>yes</Quiet><Object><Key>a</Key></Object></Delete>",
                "<Delete><Object><Key></Key></Object></Delete>", // empty key
                "<Delete><Object><Key/></Object></Delete>",
                "<Delete><Object/></Delete>",
                "<Delete></Delete>",
                "<Delete/>",
                "<Other><Object><Key>a</Key></Object></Other>",
                "<Delete xmlns=\"http://example.com/\"><Object><Key>a</Key></Object></Delete>", // foreign namespace
                "<Delete" + NS + "><Object xmlns=\"\"><Key>a</Key></Object></Delete>", // namespace switch
                "<Delete xmlns:x=\"http://example.com/\"><Object><Key>a</Key></Object></Delete>",
                "<Delete><x:Object xmlns:x=\"http://example.com/\"><Key>a</Key></x:Object></Delete>",
                "<!DOCTYPE Delete [<!ENTITY k \"archive/keep.txt\">]><Delete><Object><Key>&k;</Key></Object></Delete>",
                "<!DOCTYPE Delete SYSTEM \"http://127.0.0.1:1/x.dtd\"><Delete><Object><Key>a</Key></Object></Delete>",
                "<Delete><Object><Key>&unknown;</Key></Object></Delete>",
                "<?xml version=\"1.1\"?><Delete><Object><Key>a</Key></Object></Delete>",
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Delete><Object><Key>a</Key></Object></Delete>",
                "<?pi data?><Delete><Object><Key>a</Key></Object></Delete>",
                "<Delete><Object><Key>a</Key></Object></Delete><Delete/>",
                "<Delete><Object><Key>a</Key></Object></Delete>trailing",
                "<Delete><Object><Key>a</Key><Size>-1</Size></Object></Delete>",
                "<Delete><Object><Key>a</Key></Object>",
                "not xml",
                "")) {
            assertThatThrownBy(() -> DeleteObjectsRequest.parse(bytes(xml)))
                    .as(xml)
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.MALFORMED_XML));
        }
    }

    @Test
    void shouldRefuseMoreThanAThousandObjects() {
        String thousand = "<Delete>" + "<Object><Key>k</Key></Object>".repeat(1000) + "</Delete>";
        assertThat(DeleteObjectsRequest.parse(bytes(thousand)).objects()).hasSize(1000);
        String tooMany = "<Delete>" + "<Object><Key>k</Key></Object>".repeat(1001) + "</Delete>";
        assertThatThrownBy(() -> DeleteObjectsRequest.parse(bytes(tooMany)))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.MALFORMED_XML));
    }

    @Test
    void shouldRefuseDeeplyNestedDocumentsWithoutFailingOtherwise() {
        String deep = "<Delete>" + "<Object>".repeat(5000) + "</Object>".repeat(5000) + "</Delete>";
        assertThatThrownBy(() -> DeleteObjectsRequest.parse(bytes(deep)))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.MALFORMED_XML));
    }

    @Test
    void shouldAnswerKeyTooLongForAKeyOverTheLimit() {
        assertThat(keys("<Delete><Object><Key>" + "k".repeat(1024) + "</Key></Object></Delete>"))
                .hasSize(1);
        assertThatThrownBy(() -> DeleteObjectsRequest.parse(
                        bytes("<Delete><Object><Key>" + "k".repeat(2000) + "</Key></Object></Delete>")))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.KEY_TOO_LONG));
    }

    @Test
    void shouldRefuseKeysWithDotOrEmptySegmentsThatAStoreWouldReadAsAnotherKey() {
        for (String key : List.of(
                "x/../archive/keep.txt", "./archive/keep.txt", "archive/.", "..", "archive//keep.txt", "/archive/k")) {
            assertThatThrownBy(() -> DeleteObjectsRequest.parse(
                            bytes("<Delete><Object><Key>" + key + "</Key></Object></Delete>")))
                    .as(key)
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.INVALID_ARGUMENT));
        }
        assertThat(keys("<Delete><Object><Key>x/..a/.b/...</Key></Object><Object><Key>logs/</Key></Object></Delete>"))
                .containsExactly("x/..a/.b/...", "logs/");
    }

    @Test
    void shouldWriteTheUpstreamBodyFromTheParseAlone() {
        DeleteObjectsRequest parsed = DeleteObjectsRequest.parse(
                bytes(
                        "<!-- c --><Delete" + NS + ">"
                                + "<Object><Key><![CDATA[a&b]]></Key><VersionId>v</VersionId></Object>"
                                + "<Object><Key>x&#13;y</Key><ETag>\"e\"</ETag><Size> 12 </Size></Object><Quiet>TRUE</Quiet></Delete>"));
        String upstream = new String(parsed.toXml(), StandardCharsets.UTF_8);
        assertThat(upstream)
                .isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Delete" + NS + "><Quiet>true</Quiet>"
                        + "<Object><Key>a&amp;b</Key><VersionId>v</VersionId></Object>"
                        + "<Object><Key>x&#13;y</Key><ETag>&quot;e&quot;</ETag><Size>12</Size></Object></Delete>");
        assertThat(DeleteObjectsRequest.parse(parsed.toXml())).isEqualTo(parsed);
    }

    private static List<String> keys(String xml) {
        return DeleteObjectsRequest.parse(bytes(xml)).objects().stream()
                .map(DeleteObjectsRequest.ObjectIdentifier::key)
                .toList();
    }

    private static byte[] bytes(String xml) {
        return xml.getBytes(StandardCharsets.UTF_8);
    }
}

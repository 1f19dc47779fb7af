package dev.s3seal.s3.listing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ListingRewriterTest {

    /** Plays the decryptor's part: the plaintext is 28 bytes shorter, its ETag derives from the key. */
    private static final ListedObjectMapper PLAINTEXT = entry -> entry.withSizeAndEtag(
            Math.max(0, entry.size() - 28), "\"plain-" + (entry.isPart() ? entry.partNumber() : entry.key()) + "\"");

    private final List<ListedObject> seen = new ArrayList<>();

    private ListedObjectMapper recording(ListedObjectMapper mapper) {
        return entry -> {
            seen.add(entry);
            return mapper.map(entry);
        };
    }

    private static String rewrite(String xml, ListedObjectMapper mapper) {
        return new String(
                ListingRewriter.rewrite(xml.getBytes(StandardCharsets.UTF_8), mapper), StandardCharsets.UTF_8);
    }

    @Test
    void shouldChangeOnlySizeAndEtagTextWhenMapperRewritesV2Entries() {
        String out = rewrite(ListingSamples.LIST_V2, recording(PLAINTEXT));

        String expected = ListingSamples.LIST_V2
                .replace(
                        "&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm>"
                                + "<ChecksumType>FULL_OBJECT</ChecksumType><Size>1072</Size>",
                        "&quot;plain-photos/a.jpg&quot;</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm>"
                                + "<ChecksumType>FULL_OBJECT</ChecksumType><Size>1044</Size>")
                .replace(
                        "&quot;0d2ca6b0bd6bcbe1f0ac6b3c0f4d9ffb-2&quot;</ETag><Size>10485816</Size>",
                        "&quot;plain-photos/b &amp; c.jpg&quot;</ETag><Size>10485788</Size>")
                .replace(
                        "&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>0</Size>",
                        "&quot;plain-photos/plain.txt&quot;</ETag><Size>0</Size>");
        assertThat(expected).isNotEqualTo(ListingSamples.LIST_V2);
        assertThat(out).isEqualTo(expected);
        assertThat(seen)
                .containsExactly(
                        new ListedObject(
                                "photos/a.jpg",
                                1072,
                                "\"9b2cf535f27731c974343645a3985328\"",
                                "2024-05-01T12:00:00.000Z",
                                false,
                                0),
                        new ListedObject(
                                "photos/b & c.jpg",
                                10485816,
                                "\"0d2ca6b0bd6bcbe1f0ac6b3c0f4d9ffb-2\"",
                                "2024-05-02T08:30:00.000Z",
                                false,
                                0),
                        new ListedObject(
                                "photos/plain.txt",
                                0,
                                "\"d41d8cd98f00b204e9800998ecf8427e\"",
                                "2024-05-03T00:00:00.000Z",
                                false,
                                0));
    }

    @Test
    void shouldRewriteV1EntriesWhenListingHasMarkers() {
        String out = rewrite(ListingSamples.LIST_V1, PLAINTEXT);

        assertThat(out)
                .isEqualTo(ListingSamples.LIST_V1
                        .replace("&quot;828ef3fdfa96f00ad9f27c383fc9ac7f&quot;", "&quot;plain-notes/y.txt&quot;")
                        .replace("<Size>5</Size>", "<Size>0</Size>"));
    }

    @Test
    void shouldGiveMapperDecodedKeysAndKeepXmlEncodedWhenEncodingTypeIsUrl() {
        String out = rewrite(ListingSamples.LIST_V2_URL_ENCODED, recording(PLAINTEXT));

        assertThat(seen)
                .extracting(ListedObject::key)
                .containsExactly("my file.txt", "a+b.txt", "Tom & Jerry", "café/日本.txt");
        assertThat(out)
                .contains(
                        "<Key>my+file.txt</Key>",
                        "<Key>a%2Bb.txt</Key>",
                        "<Key>Tom+%26+Jerry</Key>",
                        "<Key>caf%C3%A9/%E6%97%A5%E6%9C%AC.txt</Key>",
                        "<EncodingType>url</EncodingType>");
        assertThat(out)
                .contains(
                        "&quot;plain-Tom &amp; Jerry&quot;</ETag><Size>272</Size>",
                        "&quot;plain-café/日本.txt&quot;</ETag><Size>372</Size>");
    }

    @Test
    void shouldReturnInputUnchangedWhenMapperReturnsNullForEveryEntry() {
        byte[] in = ListingSamples.LIST_V2.getBytes(StandardCharsets.UTF_8);
        AtomicInteger calls = new AtomicInteger();

        byte[] out = ListingRewriter.rewrite(in, entry -> {
            calls.incrementAndGet();
            return null;
        });

        assertThat(calls).hasValue(3);
        assertThat(out).isEqualTo(in);
    }

    @Test
    void shouldLeaveOnlyNullMappedEntriesUntouchedWhenMapperIsSelective() {
        String out = rewrite(
                ListingSamples.LIST_V2,
                entry -> entry.key().endsWith(".jpg") ? null : entry.withSizeAndEtag(7, "\"x\""));

        assertThat(out)
                .isEqualTo(ListingSamples.LIST_V2.replace(
                        "&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>0</Size>",
                        "&quot;x&quot;</ETag><Size>7</Size>"));
    }

    @Test
    void shouldKeepEtagWhenMapperReturnsNullEtag() {
        String out = rewrite(ListingSamples.LIST_V1, entry -> entry.withSizeAndEtag(1, null));

        assertThat(out).isEqualTo(ListingSamples.LIST_V1.replace("<Size>5</Size>", "<Size>1</Size>"));
    }

    @Test
    void shouldRewriteVersionsAndLeaveDeleteMarkersWhenListingVersions() {
        String out = rewrite(ListingSamples.LIST_VERSIONS, recording(PLAINTEXT));

        assertThat(seen).extracting(ListedObject::key).containsExactly("my-image.jpg", "my-second-image.jpg");
        // the version id lets s3seal look up the plaintext ETag of that version, not the current one
        assertThat(seen)
                .extracting(ListedObject::versionId)
                .containsExactly("3/L4kqtJl40Nr8X8gdRQBpUMLUo", "QUpfdndhfd8438MNFDN93jdnJFkdmqnh893");
        assertThat(out)
                .isEqualTo(ListingSamples.LIST_VERSIONS
                        .replace(
                                "&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>",
                                "&quot;plain-my-image.jpg&quot;</ETag><Size>434206</Size>")
                        .replace(
                                "&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>166434</Size>",
                                "&quot;plain-my-second-image.jpg&quot;</ETag><Size>166406</Size>"));
    }

    @Test
    void shouldRewritePartsWithUploadKeyAndPartNumberWhenListingParts() {
        String out = rewrite(ListingSamples.LIST_PARTS, recording(PLAINTEXT));

        assertThat(seen)
                .containsExactly(
                        new ListedObject(
                                "videos/movie.m2ts",
                                10485816,
                                "\"7778aef83f66abc1fa1e8477f296d394\"",
                                "2010-11-10T20:48:34.000Z",
                                true,
                                2),
                        new ListedObject(
                                "videos/movie.m2ts",
                                10485816,
                                "\"aaaa18db4cc2f85cedef654fccc4a4x8\"",
                                "2010-11-10T20:48:33.000Z",
                                true,
                                3));
        assertThat(out)
                .isEqualTo(ListingSamples.LIST_PARTS
                        .replace(
                                "&quot;7778aef83f66abc1fa1e8477f296d394&quot;</ETag><Size>10485816</Size>",
                                "&quot;plain-2&quot;</ETag><Size>10485788</Size>")
                        .replace(
                                "&quot;aaaa18db4cc2f85cedef654fccc4a4x8&quot;</ETag><Size>10485816</Size>",
                                "&quot;plain-3&quot;</ETag><Size>10485788</Size>"));
    }

    @ParameterizedTest
    @ValueSource(strings = {ListingSamples.EMPTY_LISTING, ListingSamples.COMMON_PREFIXES_ONLY})
    void shouldReturnSameBytesWithoutCallingMapperWhenListingHasNoEntries(String xml) {
        byte[] in = xml.getBytes(StandardCharsets.UTF_8);

        byte[] out = ListingRewriter.rewrite(in, recording(PLAINTEXT));

        assertThat(out).isSameAs(in);
        assertThat(seen).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code><Message>x</Message></Error>",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/"
                        + "2006-03-01/\"><Buckets><Bucket><Name>b</Name></Bucket></Buckets></ListAllMyBucketsResult>",
                "<ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Upload><Key>k</Key>"
                        + "</Upload></ListMultipartUploadsResult>"
            })
    void shouldReturnSameBytesWhenDocumentIsNotARewrittenListing(String xml) {
        byte[] in = xml.getBytes(StandardCharsets.UTF_8);

        assertThat(ListingRewriter.rewrite(in, recording(PLAINTEXT))).isSameAs(in);
        assertThat(seen).isEmpty();
    }

    @Test
    void shouldAddXmlDeclarationWhenUpstreamOmitsIt() {
        String bare = ListingSamples.LIST_V1.substring(ListingSamples.LIST_V1.indexOf('<', 1));

        String out = rewrite(bare, PLAINTEXT);

        assertThat(out)
                .startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult ")
                .contains("<Size>0</Size>");
    }

    @Test
    void shouldKeepPrefixesCommentsAndForeignElementsWhenRewriting() {
        String xml = "<?xml version='1.0' encoding='utf-8'?><!-- upstream -->"
                + "<s3:ListBucketResult xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\" xmlns:x=\"urn:x\">"
                + "<s3:Contents><s3:Key>k</s3:Key><x:Size>9</x:Size><!-- c --><s3:Size >\n 50 \n</s3:Size  >"
                + "<s3:ETag a=\"1>2\"/></s3:Contents></s3:ListBucketResult>";

        String out = rewrite(xml, entry -> {
            assertThat(entry.size()).isEqualTo(50);
            assertThat(entry.etag()).isEmpty();
            return entry.withSizeAndEtag(22, "\"e&<\"");
        });

        assertThat(out)
                .isEqualTo(xml.replace("\n 50 \n", "22")
                        .replace("<s3:ETag a=\"1>2\"/>", "<s3:ETag a=\"1>2\">&quot;e&amp;&lt;&quot;</s3:ETag>"));
    }

    @Test
    void shouldRoundTripEveryEntryWhenListingHasThousandEntries() throws Exception {
        String in = ListingSamples.largeListing(1000, i -> 1_000_000L + i + 28, i -> "\"cipher-" + i + "\"");
        String expected = ListingSamples.largeListing(1000, i -> 1_000_000L + i, i -> "\"plain-" + i + "\"");

        String out = rewrite(in, recording(entry -> {
            int i = Integer.parseInt(entry.key().substring(entry.key().lastIndexOf('>') + 1));
            return entry.withSizeAndEtag(entry.size() - 28, "\"plain-" + i + "\"");
        }));

        assertThat(out).isEqualTo(expected);
        assertThat(seen).hasSize(1000);
        assertThat(seen.get(999).key()).isEqualTo(ListingSamples.largeListingKey(999));
        List<String[]> reparsed = reparseContents(out);
        assertThat(reparsed).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(reparsed.get(i))
                    .containsExactly(
                            ListingSamples.largeListingKey(i), Long.toString(1_000_000L + i), "\"plain-" + i + "\"");
        }
    }

    @Test
    void shouldRefuseDocumentWhenItDeclaresExternalEntity() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE ListBucketResult [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Contents><Key>&xxe;</Key>"
                + "<ETag>&quot;a&quot;</ETag><Size>1</Size></Contents></ListBucketResult>";

        assertRefused(xxe);
    }

    @Test
    void shouldRefuseDocumentWhenItExpandsInternalEntities() {
        String laughs = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                + "<ListBucketResult><Contents><Key>&b;</Key><Size>1</Size></Contents></ListBucketResult>";

        assertRefused(laughs);
    }

    @Test
    void shouldRefuseDocumentWhenItHasAnyDoctype() {
        assertRefused("<!DOCTYPE ListBucketResult SYSTEM \"http://169.254.169.254/latest/meta-data/\">"
                + "<ListBucketResult><Contents><Key>k</Key><Size>1</Size></Contents></ListBucketResult>");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not xml",
                "<ListBucketResult><Contents><Key>k</Key><Size>1</Size></Contents>",
                "<ListBucketResult><Contents><Key>k</Key><Size>1</Contents></ListBucketResult>",
                "<ListBucketResult><Contents><Key>k</Key><Size>1</Size></Contents></ListBucketResult><extra/>",
                "<ListBucketResult><Contents><Key>k</Key><Size>12x</Size></Contents></ListBucketResult>",
                "<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents></ListBucketResult>",
                "<ListBucketResult><Contents><Key>k</Key></Contents></ListBucketResult>",
                "<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>",
                "<ListBucketResult><Contents><Key>k</Key><Size><b>1</b></Size></Contents></ListBucketResult>",
                "<ListPartsResult><Part><Size>1</Size></Part></ListPartsResult>",
                "<ListBucketResult><EncodingType>url</EncodingType><Contents><Key>%zz</Key><Size>1</Size></Contents></ListBucketResult>",
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><ListBucketResult></ListBucketResult>"
            })
    void shouldThrowIllegalArgumentWhenListingIsMalformed(String xml) {
        assertRefused(xml);
    }

    @Test
    void shouldThrowIllegalArgumentWhenBodyIsNotUtf8() {
        byte[] latin1 = "<ListBucketResult><Contents><Key>caf\u00e9</Key><Size>1</Size></Contents></ListBucketResult>"
                .getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> ListingRewriter.rewrite(latin1, recording(PLAINTEXT)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(seen).isEmpty();
    }

    @Test
    void shouldThrowIllegalArgumentWhenBodyExceedsCap() {
        byte[] huge = new byte[ListingRewriter.MAX_LISTING_BYTES + 1];

        assertThatThrownBy(() -> ListingRewriter.rewrite(huge, PLAINTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds");
    }

    private void assertRefused(String xml) {
        assertThatThrownBy(() -> rewrite(xml, recording(PLAINTEXT)))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(80));
        assertThat(seen).as("mapper must not see entries of a refused listing").isEmpty();
    }

    /** Key, Size and ETag of every Contents entry, read back with a fresh StAX reader. */
    private static List<String[]> reparseContents(String xml) throws Exception {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        XMLStreamReader reader =
                factory.createXMLStreamReader(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        List<String[]> entries = new ArrayList<>();
        String[] current = null;
        while (reader.hasNext()) {
            if (reader.next() != XMLStreamConstants.START_ELEMENT) {
                continue;
            }
            switch (reader.getLocalName()) {
                case "Contents" -> {
                    current = new String[3];
                    entries.add(current);
                }
                case "Key" -> current[0] = reader.getElementText();
                case "Size" -> current[1] = reader.getElementText();
                case "ETag" -> current[2] = reader.getElementText();
                default -> {}
            }
        }
        return entries;
    }
}

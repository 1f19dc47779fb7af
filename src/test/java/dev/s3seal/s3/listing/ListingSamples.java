package dev.s3seal.s3.listing;

import dev.s3seal.s3.xml.Xml;

/** Listing bodies shaped as S3 returns them (namespaced, entity-escaped ETags, no pretty-printing). */
final class ListingSamples {

    private ListingSamples() {}

    static final String OWNER = "<Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>"
            + "<DisplayName>mtd@amazon.com</DisplayName></Owner>";

    static final String LIST_V2 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + "<Name>example-bucket</Name><Prefix>photos/</Prefix>"
            + "<ContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</ContinuationToken>"
            + "<NextContinuationToken>1vbOwM2J/wm36Hy4ueGcxLPRx1Tr/XYExHnhbYLgveDs=</NextContinuationToken>"
            + "<KeyCount>3</KeyCount><MaxKeys>3</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>"
            + "<Contents><Key>photos/a.jpg</Key><LastModified>2024-05-01T12:00:00.000Z</LastModified>"
            + "<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm>"
            + "<ChecksumType>FULL_OBJECT</ChecksumType><Size>1072</Size>" + OWNER
            + "<StorageClass>STANDARD</StorageClass></Contents>"
            + "<Contents><Key>photos/b &amp; c.jpg</Key><LastModified>2024-05-02T08:30:00.000Z</LastModified>"
            + "<ETag>&quot;0d2ca6b0bd6bcbe1f0ac6b3c0f4d9ffb-2&quot;</ETag><Size>10485816</Size>"
            + "<StorageClass>STANDARD_IA</StorageClass></Contents>"
            + "<Contents><Key>photos/plain.txt</Key><LastModified>2024-05-03T00:00:00.000Z</LastModified>"
            + "<ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>0</Size>"
            + "<StorageClass>STANDARD</StorageClass></Contents>"
            + "<CommonPrefixes><Prefix>photos/2024/</Prefix></CommonPrefixes>"
            + "</ListBucketResult>";

    static final String LIST_V1 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + "<Name>example-bucket</Name><Prefix></Prefix><Marker></Marker><NextMarker>notes/z.txt</NextMarker>"
            + "<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
            + "<Contents><Key>notes/y.txt</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>"
            + "<ETag>&quot;828ef3fdfa96f00ad9f27c383fc9ac7f&quot;</ETag><Size>5</Size>" + OWNER
            + "<StorageClass>STANDARD</StorageClass></Contents>"
            + "</ListBucketResult>";

    /** Keys "my file.txt", "a+b.txt", "Tom & Jerry", "café/日本.txt" as S3 encodes them for EncodingType=url. */
    static final String LIST_V2_URL_ENCODED = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + "<Name>example-bucket</Name><Prefix></Prefix><KeyCount>4</KeyCount><MaxKeys>1000</MaxKeys>"
            + "<EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>"
            + "<Contents><Key>my+file.txt</Key><LastModified>2024-05-01T12:00:00.000Z</LastModified>"
            + "<ETag>&quot;11111111111111111111111111111111&quot;</ETag><Size>100</Size>"
            + "<StorageClass>STANDARD</StorageClass></Contents>"
            + "<Contents><Key>a%2Bb.txt</Key><LastModified>2024-05-01T12:00:00.000Z</LastModified>"
            + "<ETag>&quot;22222222222222222222222222222222&quot;</ETag><Size>200</Size>"
            + "<StorageClass>STANDARD</StorageClass></Contents>"
            + "<Contents><Key>Tom+%26+Jerry</Key><LastModified>2024-05-01T12:00:00.000Z</LastModified>"
            + "<ETag>&quot;33333333333333333333333333333333&quot;</ETag><Size>300</Size>"
            + "<StorageClass>STANDARD</StorageClass></Contents>"
            + "<Contents><Key>caf%C3%A9/%E6%97%A5%E6%9C%AC.txt</Key><LastModified>2024-05-01T12:00:00.000Z</LastModified>"
            + "<ETag>&quot;44444444444444444444444444444444&quot;</ETag><Size>400</Size>"
            + "<StorageClass>STANDARD</StorageClass></Contents>"
            + "</ListBucketResult>";

    static final String LIST_VERSIONS = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<ListVersionsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + "<Name>example-bucket</Name><Prefix>my</Prefix><KeyMarker/><VersionIdMarker/>"
            + "<MaxKeys>5</MaxKeys><IsTruncated>false</IsTruncated>"
            + "<Version><Key>my-image.jpg</Key><VersionId>3/L4kqtJl40Nr8X8gdRQBpUMLUo</VersionId>"
            + "<IsLatest>true</IsLatest><LastModified>2009-10-12T17:50:30.000Z</LastModified>"
            + "<ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>"
            + "<StorageClass>STANDARD</StorageClass>" + OWNER + "</Version>"
            + "<DeleteMarker><Key>my-second-image.jpg</Key><VersionId>03jpff543dhffds434rfdsFDN943fdsFkdmqnh892</VersionId>"
            + "<IsLatest>true</IsLatest><LastModified>2009-11-12T17:50:30.000Z</LastModified>" + OWNER
            + "</DeleteMarker>"
            + "<Version><Key>my-second-image.jpg</Key><VersionId>QUpfdndhfd8438MNFDN93jdnJFkdmqnh893</VersionId>"
            + "<IsLatest>false</IsLatest><LastModified>2009-10-10T17:50:30.000Z</LastModified>"
            + "<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>166434</Size>"
            + "<StorageClass>STANDARD</StorageClass>" + OWNER + "</Version>"
            + "</ListVersionsResult>";

    static final String LIST_PARTS = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<ListPartsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + "<Bucket>example-bucket</Bucket><Key>videos/movie.m2ts</Key>"
            + "<UploadId>XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA</UploadId>"
            + "<Initiator><ID>arn:aws:iam::111122223333:user/some-user</ID><DisplayName>some-user</DisplayName></Initiator>"
            + OWNER + "<StorageClass>STANDARD</StorageClass><PartNumberMarker>1</PartNumberMarker>"
            + "<NextPartNumberMarker>3</NextPartNumberMarker><MaxParts>2</MaxParts><IsTruncated>true</IsTruncated>"
            + "<Part><PartNumber>2</PartNumber><LastModified>2010-11-10T20:48:34.000Z</LastModified>"
            + "<ETag>&quot;7778aef83f66abc1fa1e8477f296d394&quot;</ETag><Size>10485816</Size></Part>"
            + "<Part><PartNumber>3</PartNumber><LastModified>2010-11-10T20:48:33.000Z</LastModified>"
            + "<ETag>&quot;aaaa18db4cc2f85cedef654fccc4a4x8&quot;</ETag><Size>10485816</Size></Part>"
            + "</ListPartsResult>";

    static final String EMPTY_LISTING = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + "<Name>example-bucket</Name><Prefix>nothing/</Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys>"
            + "<IsTruncated>false</IsTruncated></ListBucketResult>";

    static final String COMMON_PREFIXES_ONLY = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + "<Name>example-bucket</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys>"
            + "<Delimiter>/</Delimiter><IsTruncated>false</IsTruncated>"
            + "<CommonPrefixes><Prefix>logs/</Prefix></CommonPrefixes>"
            + "<CommonPrefixes><Prefix>photos/</Prefix></CommonPrefixes></ListBucketResult>";

    /** A v2 listing of {@code count} entries whose sizes and ETags are given by the two functions. */
    static String largeListing(
            int count, java.util.function.IntToLongFunction size, java.util.function.IntFunction<String> etag) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<Name>example-bucket</Name><Prefix></Prefix><KeyCount>" + count + "</KeyCount>"
                + "<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>");
        for (int i = 0; i < count; i++) {
            xml.append("<Contents><Key>")
                    .append(largeListingKeyXml(i))
                    .append("</Key>")
                    .append("<LastModified>2024-05-01T12:00:00.000Z</LastModified><ETag>")
                    .append(Xml.escape(etag.apply(i)))
                    .append("</ETag><Size>")
                    .append(size.applyAsLong(i))
                    .append("</Size>")
                    .append(OWNER)
                    .append("<StorageClass>STANDARD</StorageClass></Contents>\n");
        }
        return xml.append("</ListBucketResult>").toString();
    }

    /** Keys with an escaped ampersand, a non-BMP character and a CDATA section, as written in XML. */
    static String largeListingKeyXml(int i) {
        return "dir/\uD83D\uDE00 r&amp;d <![CDATA[<raw>]]>" + i;
    }

    static String largeListingKey(int i) {
        return "dir/\uD83D\uDE00 r&d <raw>" + i;
    }
}

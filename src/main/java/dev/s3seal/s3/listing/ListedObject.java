package dev.s3seal.s3.listing;

import org.jspecify.annotations.Nullable;

/**
 * One entry of an S3 listing as the upstream reported it, or as a client should see it.
 *
 * @param key the object key, URL-decoded when the listing used {@code EncodingType=url}; for a
 *     ListParts {@code <Part>} it is the upload's key
 * @param size the {@code <Size>} of the entry
 * @param etag the {@code <ETag>} text as in the XML, with its quotes ({@code "abc..."}); null when
 *     the entry has no ETag
 * @param lastModified the {@code <LastModified>} text, or null when absent
 * @param isPart true for a ListParts {@code <Part>}
 * @param partNumber the {@code <PartNumber>} of a part, 0 otherwise
 * @param versionId the {@code <VersionId>} of a ListObjectVersions {@code <Version>}, else null
 */
public record ListedObject(
        @Nullable String key,
        long size,
        @Nullable String etag,
        @Nullable String lastModified,
        boolean isPart,
        int partNumber,
        @Nullable String versionId) {

    /** An entry without a version id (ListObjects, ListParts). */
    public ListedObject(
            @Nullable String key,
            long size,
            @Nullable String etag,
            @Nullable String lastModified,
            boolean isPart,
            int partNumber) {
        this(key, size, etag, lastModified, isPart, partNumber, null);
    }

    /** The same entry with the size and ETag a client should see. */
    public ListedObject withSizeAndEtag(long newSize, @Nullable String newEtag) {
        return new ListedObject(key, newSize, newEtag, lastModified, isPart, partNumber, versionId);
    }
}

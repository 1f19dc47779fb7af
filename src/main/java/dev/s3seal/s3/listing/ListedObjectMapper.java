package dev.s3seal.s3.listing;

import org.jspecify.annotations.Nullable;

/**
 * Decides what a client sees for one listed entry. Only the returned size and ETag are used: keys
 * and other fields of the listing are never rewritten.
 */
@FunctionalInterface
public interface ListedObjectMapper {

    /**
     * Returns the entry as the client should see it, or null to leave the entry unchanged. A null
     * ETag in the result keeps the listed ETag; an ETag for an entry that had none is ignored.
     */
    @Nullable
    ListedObject map(ListedObject entry);
}

package dev.s3seal.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The SigV4 signing keys of signatures already verified, by client and credential scope: deriving one
 * is four HMACs, and a client signs every request of a day with the same key. Only a verified
 * signature puts a key here, so requests that name a real access key id but fail cannot fill it;
 * the client is matched by identity, so a credential reloaded or rotated (another instance) has its
 * key derived again. Bounded: when full it starts over (a few days of every client and region).
 */
final class SigningKeys {

    static final int MAX_ENTRIES = 512;

    private record Entry(ClientCredential client, byte[] key) {}

    private final Map<CredentialScope, Entry> keys = new ConcurrentHashMap<>();

    /** The key of {@code scope} verified before for this very {@code client}, or null; never to be modified. */
    byte @Nullable [] find(ClientCredential client, CredentialScope scope) {
        Entry entry = keys.get(scope);
        return entry != null && entry.client() == client ? entry.key() : null;
    }

    /** Remembers the key of a signature just verified (the caller gives it up). */
    void remember(ClientCredential client, CredentialScope scope, byte[] key) {
        if (keys.size() >= MAX_ENTRIES) {
            keys.clear();
        }
        keys.put(scope, new Entry(client, key));
    }
}

package dev.s3seal.auth;

import java.util.Optional;

/** Looks up s3seal's own client credentials; implementations must be non-blocking (in memory). */
public interface CredentialStore {

    Optional<ClientCredential> findByAccessKeyId(String accessKeyId);
}

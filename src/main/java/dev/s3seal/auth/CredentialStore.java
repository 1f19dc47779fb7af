package dev.s3seal.auth;
import java.util.Optional;
/** PLACEHOLDER until the auth branch lands. */
public interface CredentialStore { Optional<ClientCredential> findByAccessKeyId(String accessKeyId); }

package dev.s3seal.config;

/** A configuration value s3seal cannot start with; the message names the property and the fix. */
public class InvalidConfigurationException extends RuntimeException {

    private final String property;

    public InvalidConfigurationException(String property, String problem) {
        super(property + ": " + problem, null, false, false);
        this.property = property;
    }

    public String property() {
        return property;
    }
}

package dev.s3seal.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the jar's implementation version (from its manifest). */
final class Versions implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = Versions.class.getPackage().getImplementationVersion();
        return new String[] {"s3seal " + (version == null ? "(development build)" : version)};
    }
}

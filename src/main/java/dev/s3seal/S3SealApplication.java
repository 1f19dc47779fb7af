package dev.s3seal;

import dev.s3seal.cli.CommandLineTools;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** s3seal: a streaming, stateless encryption proxy for S3. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class S3SealApplication {

    public static void main(String[] args) {
        if (CommandLineTools.isCommand(args)) {
            System.exit(CommandLineTools.run(args)); // keygen, decrypt, ...: no Spring context, no proxy
        }
        SpringApplication.run(S3SealApplication.class, args);
    }
}

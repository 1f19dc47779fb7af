package dev.s3seal.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging of a command run from the jar (without Spring, so without logback-spring.xml): the command reports every
 * outcome itself, one line each, so libraries only speak up for errors. In particular Reactor Netty warns, with a
 * stack trace, when a response body is cancelled mid-way, which is what a verify does on purpose when an object
 * fails authentication.
 */
final class ToolLogging {

    private ToolLogging() {}

    static void quietLibraries() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
            for (String name : new String[] {"io.netty", "reactor.netty", "reactor.core"}) {
                ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.ERROR);
            }
        }
    }
}

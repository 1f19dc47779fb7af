package dev.s3seal.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The local addresses this machine's listening TCP sockets are bound to, read from the kernel's
 * socket tables ({@code /proc/net/tcp} and {@code tcp6}). Tests about which interface a listener
 * is reachable on ask the kernel instead of connecting to the machine's other addresses, so they
 * send no traffic beyond loopback and need no particular network set-up.
 */
public final class ListeningSockets {

    private static final String LISTEN = "0A";

    private ListeningSockets() {}

    /** Every address a socket listening on {@code port} is bound to (an IPv4-mapped IPv6 address as IPv4). */
    public static List<InetAddress> boundAddresses(int port) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            addresses.addAll(listening(Path.of(table), port));
        }
        if (addresses.isEmpty()) {
            throw new IllegalStateException("nothing listens on port " + port);
        }
        return addresses;
    }

    private static List<InetAddress> listening(Path table, int port) {
        List<InetAddress> found = new ArrayList<>();
        if (!Files.exists(table)) {
            return found;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.trim().split("\\s+");
            String[] local = fields[1].split(":");
            if (fields[3].equals(LISTEN) && Integer.parseInt(local[1], 16) == port) {
                found.add(address(local[0]));
            }
        }
        return found;
    }

    /** The kernel prints each 32-bit word of the address in host (little-endian) byte order. */
    private static InetAddress address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 8 + (3 - i) * 2;
                bytes[word * 4 + i] =
                        (byte) Integer.parseInt(hex.substring(at, at + 2).toLowerCase(Locale.ROOT), 16);
            }
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}

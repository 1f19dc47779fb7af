package dev.s3seal.testsupport;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/** Addresses of this machine, for tests about which interface a listener is reachable on. */
public final class LocalAddresses {

    private LocalAddresses() {
    }

    /**
     * An IPv4 address of this machine that is not loopback (the pod address, in a container).
     * Fails rather than skips when there is none: the tests that need it would prove nothing.
     */
    public static InetAddress nonLoopbackIpv4() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress()
                            && !address.isLinkLocalAddress()) {
                        return address;
                    }
                }
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list network interfaces", e);
        }
        throw new IllegalStateException("this machine has no non-loopback IPv4 address to test with");
    }
}

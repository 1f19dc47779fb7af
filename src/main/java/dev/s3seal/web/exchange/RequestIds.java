package dev.s3seal.web.exchange;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Request ids in the shape S3 uses (16 upper-case hex characters). */
public final class RequestIds {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private RequestIds() {}

    public static String next() {
        byte[] bytes = new byte[8];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HEX.formatHex(bytes);
    }
}

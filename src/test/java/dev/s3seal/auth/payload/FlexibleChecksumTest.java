package dev.s3seal.auth.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FlexibleChecksumTest {

    @ParameterizedTest
    @EnumSource(
            value = ChecksumAlgorithm.class,
            names = {"CRC32", "CRC32C", "CRC64NVME"})
    void shouldCombinePartCrcsIntoTheCrcOfTheWholeObject(ChecksumAlgorithm algorithm) {
        byte[] data = new byte[300_007];
        new Random(7).nextBytes(data);
        int[][] splits = {{0, 300_007}, {0, 1, 300_007}, {0, 65_536, 131_072, 300_007}, {0, 299_999, 300_007}};
        for (int[] split : splits) {
            List<FlexibleChecksum> parts = new ArrayList<>();
            long[] lengths = new long[split.length - 1];
            for (int i = 0; i + 1 < split.length; i++) {
                parts.add(of(algorithm, Arrays.copyOfRange(data, split[i], split[i + 1])));
                lengths[i] = split[i + 1] - split[i];
            }

            assertThat(FlexibleChecksum.fullObject(algorithm, parts, lengths))
                    .as(Arrays.toString(split))
                    .isEqualTo(of(algorithm, data));
        }
    }

    @ParameterizedTest
    @EnumSource(ChecksumAlgorithm.class)
    void shouldComputeTheCompositeAsTheChecksumOfTheConcatenatedPartChecksums(ChecksumAlgorithm algorithm) {
        FlexibleChecksum first = of(algorithm, new byte[] {1, 2, 3});
        FlexibleChecksum second = of(algorithm, new byte[] {4, 5});
        byte[] concatenated = ByteBuffer.allocate(2 * algorithm.length())
                .put(first.value())
                .put(second.value())
                .array();

        assertThat(FlexibleChecksum.composite(algorithm, List.of(first, second)))
                .isEqualTo(of(algorithm, concatenated));
    }

    private static FlexibleChecksum of(ChecksumAlgorithm algorithm, byte[] data) {
        ChecksumAlgorithm.Running running = algorithm.start();
        running.update(ByteBuffer.wrap(data));
        return new FlexibleChecksum(algorithm, running.digest());
    }
}

package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class PolicyExplainAccessTest {

    @Test
    void shouldAnswerLoopbackPeersOnly() {
        assertThat(PolicyExplainEndpoint.mayAnswer(new InetSocketAddress("127.0.0.1", 40000), false)).isTrue();
        assertThat(PolicyExplainEndpoint.mayAnswer(new InetSocketAddress("::1", 40000), false)).isTrue();
        assertThat(PolicyExplainEndpoint.mayAnswer(new InetSocketAddress("10.1.2.3", 40000), false)).isFalse();
        assertThat(PolicyExplainEndpoint.mayAnswer(new InetSocketAddress("fd00::2", 40000), false)).isFalse();
        assertThat(PolicyExplainEndpoint.mayAnswer(null, false)).as("unknown peer").isFalse();
    }

    @Test
    void shouldAnswerAnyPeerWhenRemoteExplainIsAllowed() {
        assertThat(PolicyExplainEndpoint.mayAnswer(new InetSocketAddress("10.1.2.3", 40000), true)).isTrue();
    }
}

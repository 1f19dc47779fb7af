package dev.s3seal.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryParametersTest {

    /** A value-less parameter (?prefix, ?uploads) is present without a value: never a failure. */
    @Test
    void firstOfAFlagIsNullAndTheFlagIsPresent() {
        QueryParameters query = QueryParameters.parse("uploads&prefix&max-keys=5&prefix=b");
        assertThat(query.has("uploads")).isTrue();
        assertThat(query.first("uploads")).isNull();
        assertThat(query.first("prefix")).isNull();
        assertThat(query.first("max-keys")).isEqualTo("5");
        assertThat(query.first("absent")).isNull();
        assertThat(query.has("absent")).isFalse();
    }

    /** Empty pairs are skipped, '=' splits once, names and values are decoded ('+' a space), order kept. */
    @Test
    void shouldSplitPairsAsS3Does() {
        QueryParameters query = QueryParameters.parse("&a=1=2&&=v&b+c=%2B+x&a&");
        assertThat(query.all())
                .containsExactly(
                        new QueryParameters.Parameter("a", "1=2"),
                        new QueryParameters.Parameter("", "v"),
                        new QueryParameters.Parameter("b c", "+ x"),
                        new QueryParameters.Parameter("a", null));
        assertThat(QueryParameters.parse("&&").all()).isEmpty();
        assertThat(QueryParameters.parse("x").all()).containsExactly(new QueryParameters.Parameter("x", null));
    }
}

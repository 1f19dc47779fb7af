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
}

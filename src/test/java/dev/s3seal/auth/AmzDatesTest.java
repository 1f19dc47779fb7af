package dev.s3seal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AmzDatesTest {

    @Test
    void shouldParseTheBasicFormAsUtc() {
        assertThat(AmzDates.parseBasic("20130524T000000Z")).isEqualTo(Instant.parse("2013-05-24T00:00:00Z"));
        assertThat(AmzDates.parseBasic("20241231T235959Z")).isEqualTo(Instant.parse("2024-12-31T23:59:59Z"));
        assertThat(AmzDates.parseBasic("20240229T120000Z")).isEqualTo(Instant.parse("2024-02-29T12:00:00Z"));
    }

    @Test
    void shouldFormatWhatItParses() {
        Instant time = Instant.parse("2026-12-03T17:45:09Z");
        assertThat(AmzDates.parseBasic(AmzDates.formatBasic(time))).isEqualTo(time);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "20130524T000000",
                "20130524T000000ZZ",
                "20130524X000000Z",
                "20130524T000000z",
                "2013-524T000000Z",
                "2013052+T000000Z",
                "20131324T000000Z",
                "20130532T000000Z",
                "20230229T000000Z",
                "20130500T000000Z",
                "20130524T240000Z",
                "20130524T006000Z",
                "20130524T000060Z",
                "２0130524T000000Z"
            })
    void shouldRefuseWhatIsNotARealBasicDate(String value) {
        assertThat(AmzDates.parseBasic(value)).isNull();
    }

    @Test
    void shouldRefuseNothingAtAll() {
        assertThat(AmzDates.parseBasic(null)).isNull();
    }
}

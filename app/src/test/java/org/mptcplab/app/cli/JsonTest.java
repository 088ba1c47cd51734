package org.mptcplab.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test-only JSON parser accepts JSON and nothing else (so "parses" means something). */
class JsonTest {

    @Test
    void parsesValues() {
        assertThat(Json.parse("{\"a\":[1,-2.5e3,true,false,null,\"x\\\"\\u0041\"],\"b\":{}}"))
                .isEqualTo(Map.of("a", java.util.Arrays.asList(new BigDecimal(1), new BigDecimal("-2.5e3"), true, false, null,
                        "x\"A"), "b", Map.of()));
        assertThat(Json.parse(" 18446744073709551615 ")).isEqualTo(new BigDecimal("18446744073709551615"));
        assertThat(Json.parse("[]")).isEqualTo(List.of());
    }

    @Test
    void rejectsWhatIsNotJson() {
        for (String bad : List.of("", "{", "{\"a\":1,}", "[1,]", "{'a':1}", "{a:1}", "01", "1.", "{\"a\":1}x", "\"\t\"",
                "{\"a\":1,\"a\":2}", "tru", "NaN", "[1 2]")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(RuntimeException.class);
        }
    }
}

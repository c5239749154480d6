package io.ossserve.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringMatcherTest {

    @Test
    void holdsBackOnlyAPossibleStartOfAStopString() {
        StopStringMatcher m = new StopStringMatcher(List.of("END", "xyz"));
        assertThat(m.push("Hello E")).isEqualTo("Hello ");
        assertThat(m.push("N")).isEmpty();
        assertThat(m.push("vy")).isEqualTo("ENvy");
        assertThat(m.push(" and E")).isEqualTo(" and ");
        assertThat(m.push("ND tail")).isEmpty();
        assertThat(m.stopped()).isTrue();
        assertThat(m.push("more")).isEmpty();
        assertThat(m.flush()).isEmpty();
    }

    @Test
    void cutsAtTheEarliestStopStringAndFlushesTheTailOtherwise() {
        StopStringMatcher m = new StopStringMatcher(List.of("b", "abc"));
        assertThat(m.push("xxabc")).as("abc starts first").isEqualTo("xx");
        StopStringMatcher n = new StopStringMatcher(List.of("STOP"));
        assertThat(n.push("done ST")).isEqualTo("done ");
        assertThat(n.flush()).isEqualTo("ST");
        assertThat(new StopStringMatcher(List.of()).push("anything")).isEqualTo("anything");
    }

    @Test
    void paramOfReadsTheFieldThatTextLayerErrorsStartWith() {
        assertThat(ChatService.paramOf("messages[3].tool_call_id 'x' matches no earlier call")).isEqualTo("messages[3].tool_call_id");
        assertThat(ChatService.paramOf("reasoning_effort: unknown")).isEqualTo("reasoning_effort");
        assertThat(ChatService.paramOf("Something else")).isNull();
    }
}

package io.ossserve.text.harmony;

import java.util.List;

/** The {@code # Valid channels: …} line of the system message. */
public record ChannelConfig(List<String> validChannels, boolean channelRequired) {
    public static final ChannelConfig DEFAULT = requireChannels(List.of("analysis", "commentary", "final"));

    public ChannelConfig {
        validChannels = List.copyOf(validChannels);
    }

    public static ChannelConfig requireChannels(List<String> channels) {
        return new ChannelConfig(channels, true);
    }
}

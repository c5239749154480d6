package io.ossserve.chat;

import io.ossserve.text.openai.ChatDelta;
import java.io.IOException;
import java.util.List;

/** Receives a call's output as it is produced (on the request thread). An IOException means the client is gone. */
public interface ChatStreamListener {

    void onDelta(int choice, ChatDelta delta, List<TokenLogprob> logprobs) throws IOException;

    void onFinish(int choice, String finishReason) throws IOException;

    ChatStreamListener NONE = new ChatStreamListener() {
        @Override
        public void onDelta(int choice, ChatDelta delta, List<TokenLogprob> logprobs) {
        }

        @Override
        public void onFinish(int choice, String finishReason) {
        }
    };
}

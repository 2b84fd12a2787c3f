package hamlet.example.counter.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CounterActorTest {
    /** A context whose message has no sender: nothing to reply to. */
    private static final hamlet.api.ActorContext NO_SENDER = (hamlet.api.ActorContext) java.lang.reflect.Proxy
        .newProxyInstance(CounterActorTest.class.getClassLoader(), new Class<?>[] {hamlet.api.ActorContext.class},
            (proxy, method, args) -> null);

    @Test
    void shouldRestoreVersionOnesStateAndCountTheRateFromThere() {
        final AtomicLong now = new AtomicLong(0);
        final CounterActor counter = new CounterActor(now::get);
        counter.restore(JsonParser.parseString("{\"count\":41}"));

        now.set(2_000_000_000L);
        for (int i = 0; i < 10; i++) {
            counter.onMessage(new hamlet.api.Message() {
                @Override
                public Object body() {
                    return "tick";
                }

                @Override
                public <T> T body(final Class<T> type) {
                    return type.cast("tick");
                }

                @Override
                public hamlet.api.ActorRef sender() {
                    return null;
                }

                @Override
                public hamlet.api.Address to() {
                    return hamlet.api.Address.named("c");
                }
            }, NO_SENDER);
        }

        assertEquals(51, counter.snapshot().getAsJsonObject().get("count").getAsLong());
        assertEquals(5.0, counter.rate());
    }
}

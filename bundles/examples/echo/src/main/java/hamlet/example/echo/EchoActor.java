package hamlet.example.echo;

import hamlet.api.Actor;
import hamlet.api.ActorContext;
import hamlet.api.DeadLetter;
import hamlet.api.Message;

/** Replies to the sender with the body it was sent, unchanged and not copied. */
final class EchoActor implements Actor {
    @Override
    public void onMessage(final Message message, final ActorContext context) {
        final Object body = message.body();
        if (body instanceof DeadLetter) {
            // One of our replies could not be delivered. Echoing the notice back could bounce it between two
            // actors forever, so an actor should never answer a dead letter.
            context.log().debug("[{}] reply not delivered: {}", context.system().nodeId(), body);
            return;
        }
        if (context.sender() == null) {
            // Sent with tell and no sender: a reply would only end up in dead letters.
            context.log().debug("[{}] no sender to echo to: {}", context.system().nodeId(), body);
            return;
        }
        context.reply(body);
    }
}

package hamlet.api.cluster;

/**
 * One cluster actor as this node's placement sees it, for operators.
 *
 * @param name the actor's name
 * @param behavior its behaviour
 * @param group its group, or {@code null}
 * @param spread whether it is an instance of a spread set
 * @param owner the member that runs it, or {@code null} when nobody does now
 * @param epoch the owner's epoch, 0 when never activated
 * @param state {@code active}, {@code moving} (handed over to {@code movingTo}), {@code waiting} (its owner is
 *     away; messages are held until it returns or is taken over), {@code unplaced} (nobody may run it: see
 *     {@code detail})
 * @param movingTo the member it is handed to, while {@code moving}
 * @param replica the member its state is copied to (the next in rendezvous order), or {@code null}
 * @param stateBytes the size of its last snapshot, -1 when unknown here
 * @param lastChange {@code first}, {@code takeover}, {@code resume} or {@code handover} for the last activation,
 *     {@code null} when none
 * @param lastChangeAtMillis when it happened (epoch milliseconds), 0 when never
 * @param lastChangeTookMillis how long the actor answered nobody during that change, -1 when unknown
 * @param detail a sentence for operators: why it is where it is, or why nobody runs it
 */
public record ClusterActorInfo(String name, String behavior, String group, boolean spread, String owner, long epoch,
                               String state, String movingTo, String replica, long stateBytes, String lastChange,
                               long lastChangeAtMillis, long lastChangeTookMillis, String detail) {
}

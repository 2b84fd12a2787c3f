package hamlet.admin.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.ActorSystem;
import hamlet.api.Address;
import hamlet.api.AskTimeoutException;
import hamlet.api.BehaviorInfo;
import hamlet.api.RejectedBundle;
import hamlet.api.DeadLetter;
import hamlet.api.DeadLetterException;
import hamlet.api.NodeIdentity;
import hamlet.api.SpawnException;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.ClusterActorInfo;
import hamlet.api.cluster.ClusterActorSpec;
import hamlet.api.cluster.Placement;
import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport;
import hamlet.config.ConfigStatus;
import hamlet.config.Secrets;
import hamlet.tls.CertificateInfo;
import hamlet.tls.TlsService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The admin API without HTTP: routes a method and path, reads a JSON request body, and answers with an
 * {@link ApiResponse}. Knows nothing of Jetty, so that every rule here is testable with plain calls.
 *
 * <p>Threading: called from Jetty's threads, concurrently; holds no mutable state of its own. The stage an
 * endpoint returns never fails: every problem becomes an error response.
 */
public final class AdminApi {
    /** Beyond the runtime's own ask timeout, how long to wait before answering 504 anyway (a runtime bug). */
    static final long DEFAULT_ASK_GRACE_MS = 2_000;

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    private static final String PATHS = "the API has GET /api/node, GET|POST /api/actors, DELETE /api/actors/{name},"
        + " POST /api/send, POST /api/ask, GET /api/deadletters, GET /api/config, GET /api/behaviors,"
        + " GET /api/transport, GET /api/cluster/members, GET /api/cluster/actors, POST /api/cluster/join,"
        + " POST /api/cluster/leave, GET /api/trace/{id}";
    private static final String ACTORS_PREFIX = "/api/actors/";
    private static final String TRACE_PREFIX = "/api/trace/";
    /** GET /api/trace/{id}; without a TraceLog until {@link #traces} is given one. */
    private volatile TraceApi traces = new TraceApi(() -> null);

    private final ActorSystem system;
    private final Supplier<ConfigStatus> configStatus;
    private final Supplier<Transport> transport;
    private final Supplier<NodeIdentity> identity;
    private final Supplier<TlsService> tls;
    private final Clock clock;
    private final ClusterApi cluster;
    private final PlacementApi placement;
    private final ClusterSpawner clusterSpawner;
    private final Supplier<AdminSettings> settings;
    private final Supplier<InetSocketAddress> boundAddress;
    private final ErrorStats stats;
    private final long askGraceMs;

    /**
     * @param system the node's actors
     * @param configStatus the config service, or a supplier of {@code null} while it is absent
     * @param transport the transport service, or a supplier of {@code null} while it is absent
     * @param identity the node identity service, or a supplier of {@code null} while it is absent
     * @param cluster the gossip bundle's cluster service, or a supplier of {@code null} while it is absent
     * @param placement the gossip bundle's placement service, or a supplier of {@code null} while it is absent
     * @param settings the settings in force
     * @param boundAddress where the API listens now, or {@code null} when it does not
     * @param stats the response counters, shown by {@code GET /api/node}
     * @param askGraceMs how long past an ask's timeout to wait for the runtime before answering 504 anyway
     */
    public AdminApi(final ActorSystem system, final Supplier<ConfigStatus> configStatus,
                    final Supplier<Transport> transport, final Supplier<NodeIdentity> identity,
                    final Supplier<Cluster> cluster, final Supplier<Placement> placement,
                    final Supplier<AdminSettings> settings,
                    final Supplier<InetSocketAddress> boundAddress,
                    final ErrorStats stats, final long askGraceMs) {
        this(system, configStatus, transport, identity, cluster, placement, () -> null, settings, boundAddress, stats,
            askGraceMs);
    }

    /**
     * @param system the node's actors
     * @param configStatus the config service, or a supplier of {@code null} while it is absent
     * @param transport the transport service, or a supplier of {@code null} while it is absent
     * @param identity the node identity service, or a supplier of {@code null} while it is absent
     * @param cluster the gossip bundle's cluster service, or a supplier of {@code null} while it is absent
     * @param placement the gossip bundle's placement service, or a supplier of {@code null} while it is absent
     * @param tls the tls bundle's service, or a supplier of {@code null} while it is absent
     * @param settings the settings in force
     * @param boundAddress where the API listens now, or {@code null} when it does not
     * @param stats the response counters, shown by {@code GET /api/node}
     * @param askGraceMs how long past an ask's timeout to wait for the runtime before answering 504 anyway
     */
    public AdminApi(final ActorSystem system, final Supplier<ConfigStatus> configStatus,
                    final Supplier<Transport> transport, final Supplier<NodeIdentity> identity,
                    final Supplier<Cluster> cluster, final Supplier<Placement> placement,
                    final Supplier<TlsService> tls, final Supplier<AdminSettings> settings,
                    final Supplier<InetSocketAddress> boundAddress,
                    final ErrorStats stats, final long askGraceMs) {
        this.system = system;
        this.configStatus = configStatus;
        this.transport = transport;
        this.identity = identity;
        this.tls = tls;
        this.clock = Clock.systemUTC();
        this.placement = new PlacementApi(placement, System::nanoTime);
        this.cluster = new ClusterApi(cluster, this.placement);
        this.clusterSpawner = ClusterSpawner.of(system);
        this.settings = settings;
        this.boundAddress = boundAddress;
        this.stats = stats;
        this.askGraceMs = askGraceMs;
    }

    /**
     * Gives {@code GET /api/trace/{id}} the registry's trace service.
     *
     * @param traceLog the service, or a supplier of {@code null} while it is absent
     */
    void traces(final Supplier<hamlet.api.trace.TraceLog> traceLog) {
        this.traces = new TraceApi(traceLog);
    }

    /** @return the id of the node this API serves, for log lines */
    String nodeId() {
        return system.nodeId();
    }

    /**
     * What a request is for, from its method and path alone, so that a request for nothing is refused before its
     * body is read.
     *
     * @param method the HTTP method
     * @param rawPath the decoded path
     * @return the route: a refusal (404, 405), or an endpoint with or without a body to read
     */
    public Route route(final String method, final String rawPath) {
        final String path = rawPath == null || rawPath.isEmpty() ? "/"
            : rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
        switch (path) {
            case "/api/node":
                return one(method, path, "GET", false, body -> node());
            case "/api/actors":
                if ("POST".equals(method)) {
                    return Route.endpoint(true, this::spawn);
                }
                return one(method, path, "GET, POST", false, body -> actors());
            case "/api/send":
                return one(method, path, "POST", true, this::send);
            case "/api/ask":
                return one(method, path, "POST", true, this::ask);
            case "/api/deadletters":
                return one(method, path, "GET", false, body -> deadLetters());
            case "/api/config":
                return one(method, path, "GET", false, body -> config());
            case "/api/behaviors":
                return one(method, path, "GET", false, body -> behaviors());
            case "/api/transport":
                return one(method, path, "GET", false, body -> transport());
            case "/api/cluster/members":
                return clusterRoute(method, path, "GET", false, body -> cluster.members());
            case "/api/cluster/actors":
                return clusterRoute(method, path, "GET", false, body -> cluster.actors());
            case "/api/cluster/join":
                return clusterRoute(method, path, "POST", true, body -> cluster.join(requiredString(body, "seed")));
            case "/api/cluster/leave":
                return clusterRoute(method, path, "POST", false, body -> cluster.leave());
            default:
                break;
        }
        if (path.startsWith(TRACE_PREFIX) && path.indexOf('/', TRACE_PREFIX.length()) < 0) {
            final String id = path.substring(TRACE_PREFIX.length());
            return one(method, path, "GET", false, body -> traces.trace(id));
        }
        if (path.startsWith(ACTORS_PREFIX) && path.indexOf('/', ACTORS_PREFIX.length()) < 0) {
            final String name = path.substring(ACTORS_PREFIX.length());
            return one(method, path, "DELETE", false, body -> stop(name));
        }
        return Route.refusal(ApiResponse.error(404, "no such path: " + path + "; " + PATHS));
    }

    /**
     * Answers a routed request. Never throws and the stage never fails: a bad body, a refused request and an
     * unexpected exception all become error responses.
     *
     * @param route what {@link #route} said
     * @param body the request body as read, when the route needs one
     * @return the response, when it is known
     */
    public CompletionStage<ApiResponse> answer(final Route route, final byte[] body) {
        if (route.refusal != null) {
            return CompletableFuture.completedFuture(route.refusal);
        }
        try {
            return route.endpoint.apply(route.needsBody ? parseBody(body) : null);
        } catch (final ApiException e) {
            return CompletableFuture.completedFuture(e.response());
        } catch (final RuntimeException e) {
            return CompletableFuture.completedFuture(unexpected(e));
        }
    }

    /**
     * @param maxBodyBytes the limit that was passed
     * @return the 413 answer
     */
    static ApiResponse tooLarge(final long maxBodyBytes) {
        return ApiResponse.error(413, "request body is larger than " + maxBodyBytes
            + " bytes (hamlet.admin.max-body)");
    }

    private ApiResponse unexpected(final Throwable e) {
        LOG.warn("[{}] admin API internal error: {}", system.nodeId(), e.toString());
        LOG.debug("[{}] admin API internal error, stack", system.nodeId(), e);
        return ApiResponse.error(500, "internal error: " + e);
    }

    private static Route one(final String method, final String path, final String allowed, final boolean needsBody,
                             final Function<JsonObject, CompletionStage<ApiResponse>> endpoint) {
        for (final String candidate : allowed.split(", ")) {
            if (candidate.equals(method)) {
                return Route.endpoint(needsBody, endpoint);
            }
        }
        return Route.refusal(new ApiResponse(405,
            Json.error("method " + method + " is not allowed on " + path + "; allowed: " + allowed),
            Map.of("Allow", allowed)));
    }

    /** Without the gossip bundle there is nothing to ask: refused before a body is read, as a wrong path is. */
    private Route clusterRoute(final String method, final String path, final String allowed,
                               final boolean needsBody, final Function<JsonObject, ApiResponse> endpoint) {
        final Route route = one(method, path, allowed, needsBody, body -> done(endpoint.apply(body)));
        return route.refusal == null && !cluster.available() ? Route.refusal(ClusterApi.absent()) : route;
    }

    // ---------------------------------------------------------------- request body

    private static JsonObject parseBody(final byte[] body) {
        if (body == null || body.length == 0) {
            throw new ApiException(400, "request body is empty; expected a JSON object");
        }
        final String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body)).toString();
        } catch (final CharacterCodingException e) {
            throw new ApiException(400, "request body is not valid UTF-8");
        }
        final JsonElement json;
        try {
            json = Json.parseStrict(text);
        } catch (final IllegalArgumentException e) {
            throw new ApiException(400, "malformed JSON in request body: " + e.getMessage());
        }
        if (!json.isJsonObject()) {
            throw new ApiException(400, "request body must be a JSON object, got " + kind(json));
        }
        return json.getAsJsonObject();
    }

    private static String requiredString(final JsonObject body, final String key) {
        final JsonElement value = body.get(key);
        if (value == null || value.isJsonNull()) {
            throw new ApiException(400, "\"" + key + "\" is missing");
        }
        return string(key, value);
    }

    private static String optionalString(final JsonObject body, final String key) {
        final JsonElement value = body.get(key);
        return value == null || value.isJsonNull() ? null : string(key, value);
    }

    private static String string(final String key, final JsonElement value) {
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new ApiException(400, "\"" + key + "\" must be a string, got " + kind(value));
        }
        return value.getAsString();
    }

    private static String kind(final JsonElement value) {
        if (value.isJsonObject()) {
            return "an object";
        }
        if (value.isJsonArray()) {
            return "an array";
        }
        if (value.isJsonNull()) {
            return "null";
        }
        final JsonPrimitive primitive = value.getAsJsonPrimitive();
        return (primitive.isNumber() ? "the number " : primitive.isBoolean() ? "the boolean " : "the string ")
            + abbreviate(value.toString());
    }

    private static String abbreviate(final String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    /** The message body rule: a JSON string arrives as a String, any other JSON value as a JsonElement. */
    private static Object messageBody(final JsonObject body) {
        final JsonElement value = body.get("body");
        if (value == null || value.isJsonNull()) {
            throw new ApiException(400, "\"body\" is missing; give the message as \"body\": any JSON value");
        }
        return value.isJsonPrimitive() && value.getAsJsonPrimitive().isString() ? value.getAsString() : value;
    }

    private static Address address(final JsonObject body) {
        final String to = requiredString(body, "to");
        try {
            return Address.parse(to);
        } catch (final IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    private long timeoutMs(final JsonObject body) {
        final AdminSettings now = settings.get();
        final JsonElement value = body.get("timeoutMs");
        if (value == null || value.isJsonNull()) {
            return now.askTimeoutMs();
        }
        final String wanted = "\"timeoutMs\" must be a whole number of milliseconds from 1 to "
            + now.maxAskTimeoutMs() + " (hamlet.admin.max-ask-timeout), got ";
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw new ApiException(400, wanted + kind(value));
        }
        final BigDecimal number = value.getAsBigDecimal();
        if (number.signum() <= 0 || number.stripTrailingZeros().scale() > 0
            || number.compareTo(BigDecimal.valueOf(now.maxAskTimeoutMs())) > 0) {
            throw new ApiException(400, wanted + number.toPlainString());
        }
        return number.longValueExact();
    }

    // ---------------------------------------------------------------- endpoints

    /**
     * The node: {@code id}, {@code host}, {@code port} and {@code uid} (16 hex digits, as text) from the node
     * identity the config bundle offers; without that service (the config bundle stopped) the id is the actor
     * runtime's and {@code host}, {@code port} and {@code uid} are {@code null}. Then the admin API's own listener,
     * the actors, dead letters, behaviours and the runtime's counters; TLS as {@link #tls()} shows it; and, while
     * the gossip bundle runs, the cluster as {@link ClusterApi#summary} shows it (absent from the answer otherwise).
     */
    private CompletionStage<ApiResponse> node() {
        final JsonObject json = new JsonObject();
        final NodeIdentity self = identity.get();
        if (self != null) {
            json.addProperty("id", self.id());
            json.addProperty("host", self.host());
            json.addProperty("port", self.port());
            json.addProperty("uid", self.uidHex());
        } else {
            json.addProperty("id", system.nodeId());
            json.add("host", null);
            json.add("port", null);
            json.add("uid", null);
        }
        final JsonObject admin = stats.toJson();
        final InetSocketAddress bound = boundAddress.get();
        final AdminSettings now = settings.get();
        admin.addProperty("host", bound == null ? now.host() : bound.getHostString());
        admin.addProperty("port", bound == null ? now.port() : bound.getPort());
        admin.addProperty("listening", bound != null);
        admin.addProperty("https", now.https());
        admin.addProperty("auth", now.tokenRequired() ? "bearer" : "none");
        json.add("admin", admin);
        json.addProperty("actors", system.actors().size());
        json.addProperty("deadLetters", system.deadLetterCount());
        final JsonArray behaviors = new JsonArray();
        new TreeSet<>(system.behaviors()).forEach(behaviors::add);
        json.add("behaviors", behaviors);
        json.add("counters", Json.counters(system.counters()));
        json.add("tls", tls());
        final JsonObject clusterNow = cluster.summary();
        if (clusterNow != null) {
            json.add("cluster", clusterNow);
        }
        final JsonObject placementNow = placement.summary();
        if (placementNow != null) {
            json.add("placement", placementNow);
        }
        return done(ApiResponse.of(200, json));
    }

    /**
     * TLS on this node, from the tls bundle: {@code {"enabled": true, "certificates": [{"role": "node", "subject":
     * ..., "names": [...], "sha256": ..., "notBefore": ..., "notAfter": ..., "expiresInDays": N, "file": ...}, ...],
     * "reloads": N, "refusedReloads": N}}, this node's certificate first, then each trusted CA. {@code
     * expiresInDays} is whole days left, negative once expired. Without TLS, or without the tls bundle, {@code
     * enabled} is false and the list empty. The refused handshakes are counted where they happen: the
     * transport's under {@code GET /api/transport}, this API's under {@code admin.counters}.
     */
    private JsonObject tls() {
        final TlsService running = tls.get();
        final JsonObject json = new JsonObject();
        final JsonArray certificates = new JsonArray();
        final Instant now = clock.instant();
        if (running != null) {
            for (final CertificateInfo info : running.certificates()) {
                final JsonObject certificate = new JsonObject();
                certificate.addProperty("role", info.role());
                certificate.addProperty("subject", info.subject());
                final JsonArray names = new JsonArray();
                info.names().forEach(names::add);
                certificate.add("names", names);
                certificate.addProperty("sha256", info.sha256());
                certificate.addProperty("notBefore", Json.instant(info.notBefore()));
                certificate.addProperty("notAfter", Json.instant(info.notAfter()));
                certificate.addProperty("expiresInDays", Math.floorDiv(
                    Duration.between(now, info.notAfter()).toSeconds(), Duration.ofDays(1).toSeconds()));
                certificate.addProperty("file", info.file());
                certificates.add(certificate);
            }
        }
        json.addProperty("enabled", running != null && running.enabled());
        json.add("certificates", certificates);
        json.addProperty("reloads", running == null ? 0 : running.reloads());
        json.addProperty("refusedReloads", running == null ? 0 : running.refusedReloads());
        return json;
    }

    /**
     * The transport's view of the cluster, for operators: {@code {"transport":"running","peers":[...],
     * "counters":{...}}}, each peer as {@link Json#peer} shows it and the counters by name (rejections by reason as
     * {@code rejected.<REASON>}, {@code envelopes.sent}, {@code duplicates.dropped}, ...). Without a transport (a
     * single node, or the transport bundle stopped) the answer is still 200: {@code {"transport":"absent",
     * "peers":[],"counters":{}}}.
     */
    private CompletionStage<ApiResponse> transport() {
        final Transport running = transport.get();
        final JsonObject json = new JsonObject();
        final JsonArray peers = new JsonArray();
        if (running == null) {
            json.addProperty("transport", "absent");
            json.add("peers", peers);
            json.add("counters", new JsonObject());
            return done(ApiResponse.of(200, json));
        }
        for (final PeerInfo peer : running.peers()) {
            peers.add(Json.peer(peer));
        }
        json.addProperty("transport", "running");
        json.add("peers", peers);
        json.add("counters", Json.counters(running.counters()));
        return done(ApiResponse.of(200, json));
    }

    private CompletionStage<ApiResponse> actors() {
        final JsonArray json = new JsonArray();
        for (final ActorInfo info : system.actors()) {
            json.add(Json.actor(info));
        }
        return done(ApiResponse.of(200, json));
    }

    /**
     * Each behaviour (versions, actors using it, the last hot swap and its result), and the behaviour jars refused
     * (not a bundle, not resolving) with why: {@code {"behaviors":[...],"rejected":[...]}}.
     */
    private CompletionStage<ApiResponse> behaviors() {
        final JsonArray behaviors = new JsonArray();
        for (final BehaviorInfo info : system.behaviorDetails()) {
            behaviors.add(Json.behavior(info));
        }
        final JsonArray rejected = new JsonArray();
        for (final RejectedBundle refused : system.rejectedBundles()) {
            rejected.add(Json.rejected(refused));
        }
        final JsonObject json = new JsonObject();
        json.add("behaviors", behaviors);
        json.add("rejected", rejected);
        return done(ApiResponse.of(200, json));
    }

    private CompletionStage<ApiResponse> spawn(final JsonObject body) {
        final String behavior = requiredString(body, "behavior");
        final String name = requiredString(body, "name");
        final String group = optionalString(body, "group");
        final boolean inCluster = clusterPlacement(optionalString(body, "placement"));
        final JsonElement config = body.get("config");
        if (config != null && !config.isJsonNull() && !config.isJsonObject()) {
            throw new ApiException(400, "\"config\" must be an object, got " + kind(config));
        }
        final ActorSpec spec;
        try {
            spec = new ActorSpec(name, behavior, group,
                config == null || config.isJsonNull() ? null : config.getAsJsonObject().deepCopy());
        } catch (final IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        checkSpawnable(spec);
        if (inCluster) {
            return spawnInCluster(spec);
        }
        final ActorRef ref;
        try {
            ref = system.spawn(spec);
        } catch (final SpawnException e) {
            // Lost a race with another spawn or a behaviour leaving: answer as if the check above had seen it.
            checkSpawnable(spec);
            if (e.getCause() != null) {
                throw new ApiException(500, e.getMessage());
            }
            throw new ApiException(400, e.getMessage());
        }
        final Optional<ActorInfo> info = system.actor(name);
        final JsonObject json = info.map(Json::actor).orElseGet(() -> Json.actor(new ActorInfo(
            ref.address(), behavior, group, ActorInfo.State.STOPPED, 0, 0, 0)));
        return done(new ApiResponse(201, json, Map.of("Location", ACTORS_PREFIX + name)));
    }

    /**
     * @param placement what the client gave as {@code "placement"}, or {@code null}
     * @return whether the actor is a cluster actor ({@code "cluster"}) rather than bound to this node ({@code "node"},
     *     or nothing)
     * @throws ApiException 400 for {@code "spread"} (declared in config only) and for anything else
     */
    private static boolean clusterPlacement(final String placement) {
        if (placement == null || "node".equals(placement)) {
            return false;
        }
        if ("cluster".equals(placement)) {
            return true;
        }
        if ("spread".equals(placement)) {
            throw new ApiException(400, "\"placement\" 'spread' cannot be spawned: spread instances are declared in"
                + " config, on every node that may run them (hamlet.actors.<name> { behavior = ..., placement = spread,"
                + " instances = N }); spawn one cluster actor with \"placement\": \"cluster\"");
        }
        throw new ApiException(400, "\"placement\" must be \"node\" (the default: this node) or \"cluster\" (one"
            + " activation in the cluster), got '" + abbreviate(placement) + "'");
    }

    /**
     * A cluster actor: placement decides where it runs, so the answer says what placement knows right after the
     * spawn (its owner may still be {@code null}), and points at {@code /api/cluster/actors}.
     */
    private CompletionStage<ApiResponse> spawnInCluster(final ActorSpec spec) {
        final Placement now = placement.service();
        if (now != null && now.isClusterActor(spec.name())) {
            throw new ApiException(409, "cluster actor '" + spec.name() + "' exists already");
        }
        try {
            clusterSpawner.spawn(new ClusterActorSpec(spec, false));
        } catch (final UnsupportedOperationException e) {
            throw new ApiException(503, "this node cannot spawn cluster actors: "
                + (e.getMessage() == null ? "the actor runtime does not support them" : e.getMessage()));
        } catch (final SpawnException e) {
            if (e.getCause() != null) {
                throw new ApiException(500, e.getMessage());
            }
            throw new ApiException(409, e.getMessage());
        }
        final Placement after = placement.service();
        final Optional<ClusterActorInfo> info = after == null ? Optional.empty()
            : after.actors().stream().filter(a -> a.name().equals(spec.name())).findFirst();
        final JsonObject json = info.map(PlacementApi::actor).orElseGet(() -> {
            final JsonObject minimal = new JsonObject();
            minimal.addProperty("name", spec.name());
            minimal.addProperty("behavior", spec.behavior());
            minimal.addProperty("group", spec.group());
            minimal.add("owner", null);
            return minimal;
        });
        json.addProperty("placement", "cluster");
        return done(new ApiResponse(201, json, Map.of("Location", "/api/cluster/actors")));
    }

    private void checkSpawnable(final ActorSpec spec) {
        if (!system.behaviors().contains(spec.behavior())) {
            throw new ApiException(404, "unknown behaviour '" + spec.behavior() + "'; known: "
                + String.join(", ", new TreeSet<>(system.behaviors())));
        }
        if (system.actor(spec.name()).isPresent()) {
            throw new ApiException(409, "actor name '" + spec.name() + "' is taken on node " + system.nodeId());
        }
    }

    private CompletionStage<ApiResponse> stop(final String name) {
        try {
            Address.checkName("actor name", name);
        } catch (final IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        if (!system.stop(name)) {
            throw new ApiException(404, "no actor '" + name + "' on node " + system.nodeId());
        }
        final JsonObject json = new JsonObject();
        json.addProperty("stopped", name);
        return done(ApiResponse.of(200, json));
    }

    private CompletionStage<ApiResponse> send(final JsonObject body) {
        final Address to = address(body);
        final Object message = messageBody(body);
        system.ref(to).tell(message);
        final JsonObject json = new JsonObject();
        json.addProperty("sent", true);
        return done(ApiResponse.of(202, json));
    }

    private CompletionStage<ApiResponse> ask(final JsonObject body) {
        final Address to = address(body);
        final Object message = messageBody(body);
        final long timeoutMs = timeoutMs(body);
        final CompletableFuture<ApiResponse> answer = new CompletableFuture<>();
        system.ref(to).ask(message, Duration.ofMillis(timeoutMs)).whenComplete((reply, failure) -> {
            try {
                answer.complete(failure == null ? replied(reply) : askFailed(to, timeoutMs, failure));
            } catch (final RuntimeException | StackOverflowError e) {
                answer.complete(unexpected(e));
            }
        });
        // The runtime times asks out itself; this only keeps a request from hanging if it ever does not.
        return answer.completeOnTimeout(ApiResponse.error(504, "no reply from " + to + " within " + timeoutMs
            + " ms"), timeoutMs + askGraceMs, TimeUnit.MILLISECONDS);
    }

    private static ApiResponse replied(final Object reply) {
        final JsonObject json = new JsonObject();
        json.add("reply", Json.body(reply));
        return ApiResponse.of(200, json);
    }

    private ApiResponse askFailed(final Address to, final long timeoutMs, final Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
            && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof AskTimeoutException) {
            final String message = cause.getMessage();
            return ApiResponse.error(504, message != null ? message
                : "no reply from " + to + " within " + timeoutMs + " ms");
        }
        if (cause instanceof DeadLetterException) {
            final DeadLetter letter = ((DeadLetterException) cause).deadLetter();
            final JsonObject json = Json.error(cause.getMessage());
            json.add("deadLetter", letter == null ? null : Json.deadLetter(letter));
            return ApiResponse.of(404, json);
        }
        return unexpected(cause);
    }

    private CompletionStage<ApiResponse> deadLetters() {
        final JsonObject json = new JsonObject();
        json.addProperty("count", system.deadLetterCount());
        final JsonArray recent = new JsonArray();
        for (final DeadLetter letter : system.deadLetters()) {
            recent.add(Json.deadLetter(letter));
        }
        json.add("recent", recent);
        return done(ApiResponse.of(200, json));
    }

    private CompletionStage<ApiResponse> config() {
        final ConfigStatus status = configStatus.get();
        if (status == null) {
            throw new ApiException(503, "the config status is not available: the hamlet.config bundle is not"
                + " running or has not loaded the config yet");
        }
        final JsonObject json = new JsonObject();
        json.addProperty("file", status.file());
        json.addProperty("appliedAt", Json.instant(status.appliedAt()));
        json.addProperty("appliedCount", status.appliedCount());
        json.addProperty("rejectedCount", status.rejectedCount());
        json.add("lastRejection", status.lastRejection().map(AdminApi::rejection).orElse(null));
        final String effective = status.effectiveJson();
        JsonElement config;
        try {
            config = Json.parseStrict(effective);
        } catch (final RuntimeException e) {
            config = effective == null ? null : new JsonPrimitive(effective);
        }
        json.add("config", redacted(config));
        return done(ApiResponse.of(200, json));
    }

    /**
     * The config bundle redacts secrets itself; an older one did not, so they are redacted here too, by the same
     * rule ({@link Secrets}), whatever the config service hands over.
     */
    private static JsonElement redacted(final JsonElement config) {
        if (config instanceof JsonObject object) {
            final JsonObject out = new JsonObject();
            for (final Map.Entry<String, JsonElement> entry : object.entrySet()) {
                final JsonElement value = entry.getValue();
                final boolean unset = value.isJsonNull()
                    || value.isJsonPrimitive() && value.getAsJsonPrimitive().isString() && value.getAsString().isEmpty();
                out.add(entry.getKey(), Secrets.isSecretKey(entry.getKey()) && !unset
                    ? new JsonPrimitive(Secrets.REDACTED) : redacted(value));
            }
            return out;
        }
        if (config instanceof JsonArray array) {
            final JsonArray out = new JsonArray();
            array.forEach(item -> out.add(redacted(item)));
            return out;
        }
        return config;
    }

    private static JsonObject rejection(final ConfigStatus.Rejection rejection) {
        final JsonObject json = new JsonObject();
        json.addProperty("file", rejection.file());
        json.addProperty("line", rejection.line());
        json.addProperty("message", rejection.message());
        json.addProperty("at", Json.instant(rejection.at()));
        return json;
    }

    private static CompletionStage<ApiResponse> done(final ApiResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    /**
     * What a request is for. Immutable.
     */
    public static final class Route {
        private final ApiResponse refusal;
        private final boolean needsBody;
        private final Function<JsonObject, CompletionStage<ApiResponse>> endpoint;

        private Route(final ApiResponse refusal, final boolean needsBody,
                      final Function<JsonObject, CompletionStage<ApiResponse>> endpoint) {
            this.refusal = refusal;
            this.needsBody = needsBody;
            this.endpoint = endpoint;
        }

        static Route refusal(final ApiResponse response) {
            return new Route(response, false, null);
        }

        static Route endpoint(final boolean needsBody,
                              final Function<JsonObject, CompletionStage<ApiResponse>> endpoint) {
            return new Route(null, needsBody, endpoint);
        }

        /** @return whether the request body must be read and passed to {@link AdminApi#answer} */
        public boolean needsBody() {
            return needsBody;
        }
    }
}

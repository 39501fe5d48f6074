package dev.nslab.web;

import dev.nslab.lab.Labs;
import dev.nslab.net.Namespaces;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code nslab ui}: the live lab page and its API, served by Jetty (docs/design.md says why). Every request under
 * /api/ — the live feed and terminals too — needs the session token that the printed URL carries (401 without it,
 * 403 with a wrong one); the page and its libraries need none, they hold no lab data. Loopback only unless the caller
 * asked for another address.
 */
public final class UiServer implements AutoCloseable {
    /**
     * @param host          the address to listen on (the caller checks that a non-loopback one was asked for)
     * @param port          0: any free port
     * @param labs          the labs to show; empty: every lab, as they come and go
     * @param periodMillis  how often the kernel is sampled
     * @param inherited     listen on the socket this process was given as its standard input (a normal user's page,
     *                      whose socket nslab-host made in the machine's namespace); host and port are then its own
     */
    public record Options(String host, int port, Set<String> labs, long periodMillis, boolean inherited) { }

    private static final Pattern TERMINAL = Pattern.compile("^/api/labs/([^/]+)/nodes/([^/]+)/terminal$");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png", "map", "application/json");

    private final Server server;
    private final Live live;
    private final String token;
    private final URI url;

    private UiServer(Server server, Live live, String token, URI url) {
        this.server = server;
        this.live = live;
        this.token = token;
        this.url = url;
    }

    /** Starts serving; the returned server runs until {@link #close}. */
    public static UiServer start(Labs labs, Namespaces registry, Options o) throws Exception {
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);

        LabViews views = new LabViews(labs, registry, o.labs());
        Live live = new Live(views, o.periodMillis());
        Api api = new Api(views, live);

        QueuedThreadPool pool = new QueuedThreadPool(32, 2);
        pool.setName("nslab-ui");
        pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(pool);
        ServerConnector http = new ServerConnector(server, 1, 1);
        http.setHost(o.host());
        http.setPort(o.port());
        http.setInheritChannel(o.inherited());
        server.addConnector(http);

        WebSocketUpgradeHandler sockets = WebSocketUpgradeHandler.from(server, c -> {
            c.setIdleTimeout(java.time.Duration.ofHours(12)); // a terminal left open is not an error
            c.addMapping("/api/live", (req, resp, cb) -> new LiveSocket(live));
            c.addMapping("regex|" + TERMINAL.pattern(), (req, resp, cb) -> {
                Matcher m = TERMINAL.matcher(Request.getPathInContext(req));
                if (!m.matches()) return null;
                Fields q = Request.extractQueryParameters(req);
                return new TerminalSocket(labs, decode(m.group(1)), decode(m.group(2)), number(q.getValue("cols"), 100), number(q.getValue("rows"), 30));
            });
        });
        sockets.setHandler(new Routes(api));
        server.setHandler(new Gate(token, sockets));
        live.start();
        try {
            server.start();
        } catch (Exception e) {
            live.close();
            server.stop();
            throw e;
        }
        String host = o.host().contains(":") ? "[" + o.host() + "]" : o.host();
        URI url = URI.create("http://" + host + ":" + http.getLocalPort() + "/?token=" + token);
        return new UiServer(server, live, token, url);
    }

    /** The page's address, with the session token. */
    public URI url() { return url; }

    public String token() { return token; }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException { server.join(); }

    @Override public void close() {
        live.close();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the page's server: " + e.getMessage(), e);
        }
    }

    /** Whether {@code host} is a loopback address (what the page listens on unless told otherwise). */
    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static String decode(String s) { return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8); }

    private static int number(String s, int otherwise) {
        try {
            return s == null ? otherwise : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    static void reply(Response response, Callback callback, int status, String type, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, body, callback);
    }

    /** The token, checked before anything under /api/ (WebSocket upgrades included) is reached. */
    private static final class Gate extends Handler.Wrapper {
        private final byte[] token;

        Gate(String token, Handler next) {
            super(next);
            this.token = token.getBytes(StandardCharsets.US_ASCII);
        }

        @Override public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (Request.getPathInContext(request).startsWith("/api/")) {
                String given = Request.extractQueryParameters(request).getValue("token");
                String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
                if (given == null && auth != null && (auth.startsWith("token ") || auth.startsWith("Bearer "))) given = auth.substring(auth.indexOf(' ') + 1).strip();
                if (given == null) {
                    reply(response, callback, 401, "application/json", Json.write(Map.of("error", "this API needs the session token that nslab ui printed (?token=... or Authorization: token ...)")));
                    return true;
                }
                if (!MessageDigest.isEqual(token, given.getBytes(StandardCharsets.US_ASCII))) {
                    reply(response, callback, 403, "application/json", Json.write(Map.of("error", "wrong session token")));
                    return true;
                }
            }
            return super.handle(request, response, callback);
        }
    }

    /** The page, its libraries (from their WebJars), and the API. */
    private static final class Routes extends Handler.Abstract {
        private final Api api;

        Routes(Api api) { this.api = api; }

        @Override public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            if (path.startsWith("/api/")) {
                String body = request.getMethod().equals("POST") ? Content.Source.asString(request, StandardCharsets.UTF_8) : null;
                Api.Reply r = api.handle(request.getMethod(), path, body);
                reply(response, callback, r.status(), "application/json", r.json());
                return true;
            }
            String resource = null;
            if (path.equals("/") || path.equals("/index.html")) resource = "dev/nslab/web/page/index.html";
            else if (path.matches("/[a-z]+\\.(js|css)")) resource = "dev/nslab/web/page" + path;
            else if (path.startsWith("/webjars/") && !path.contains("..")) resource = "META-INF/resources" + path;
            InputStream in = resource == null ? null : UiServer.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                reply(response, callback, 404, "text/plain; charset=utf-8", "not found: " + path + "\n");
                return true;
            }
            byte[] bytes;
            try (in) {
                bytes = in.readAllBytes();
            }
            String ext = resource.substring(resource.lastIndexOf('.') + 1);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, TYPES.getOrDefault(ext, "application/octet-stream"));
            response.write(true, ByteBuffer.wrap(bytes), callback);
            return true;
        }
    }

    /** The live feed's socket: the newest picture on opening, then every one after (public: Jetty calls it by reflection). */
    public static final class LiveSocket implements org.eclipse.jetty.websocket.api.Session.Listener.AutoDemanding {
        private final Live live;
        private volatile org.eclipse.jetty.websocket.api.Session session;

        LiveSocket(Live live) { this.live = live; }

        @Override public void onWebSocketOpen(org.eclipse.jetty.websocket.api.Session s) {
            session = s;
            live.subscribe(s);
        }

        @Override public void onWebSocketClose(int statusCode, String reason) { live.unsubscribe(session); }

        @Override public void onWebSocketError(Throwable cause) { live.unsubscribe(session); }
    }
}

package dev.nslab.ovs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * RFC 7047 JSON-RPC 1.0 over a Unix stream socket. OVSDB sends JSON values back to back with no framing, so one
 * streaming parser reads them in order. Calls are synchronous; while waiting for a reply, echo requests from the
 * server are answered (it closes idle peers that do not) and notifications go to {@code onNotify}.
 */
final class JsonRpc implements AutoCloseable {
    private final SocketChannel channel;
    private final InputStream in;
    /** Made on first read: Jackson reads ahead while it detects the encoding, which would block before any reply. */
    private JsonParser parser;
    private final ObjectMapper mapper;
    private final Path socket;
    private Consumer<JsonNode> onNotify = n -> { };
    private long nextId = 1;

    private JsonRpc(SocketChannel channel, ObjectMapper mapper, Path socket) {
        this.channel = channel;
        this.mapper = mapper;
        this.socket = socket;
        this.in = Channels.newInputStream(channel);
    }

    static JsonRpc connect(Path socket, ObjectMapper mapper) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new JsonRpc(ch, mapper, socket);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    void onNotify(Consumer<JsonNode> handler) { this.onNotify = handler; }

    /** Sends a request and returns its "result"; an "error" reply becomes an {@link OvsdbException}. */
    JsonNode call(String method, ArrayNode params) {
        long id = nextId++;
        ObjectNode req = mapper.createObjectNode().put("method", method).put("id", id);
        req.set("params", params);
        send(req);
        while (true) {
            JsonNode msg = read();
            if (msg.has("method")) {
                handleIncoming(msg);
                continue;
            }
            if (msg.path("id").asLong(-1) != id) continue; // a late reply to a call we gave up on
            JsonNode err = msg.path("error");
            if (!err.isNull() && !err.isMissingNode()) {
                String word = err.isTextual() ? err.asText() : err.path("error").asText(err.toString());
                String details = err.path("details").asText("");
                throw new OvsdbException("ovsdb-server: " + word + (details.isEmpty() ? "" : ": " + details), word, socket.toString());
            }
            return msg.path("result");
        }
    }

    /** Reads until the next notification has been handled (used while waiting for ovs-vswitchd). */
    void awaitNotification() {
        while (true) {
            JsonNode msg = read();
            if (msg.has("method")) {
                boolean notify = !"echo".equals(msg.path("method").asText());
                handleIncoming(msg);
                if (notify) return;
            }
        }
    }

    private void handleIncoming(JsonNode msg) {
        if ("echo".equals(msg.path("method").asText()) && msg.has("id") && !msg.path("id").isNull()) {
            ObjectNode reply = mapper.createObjectNode();
            reply.set("result", msg.path("params"));
            reply.putNull("error");
            reply.set("id", msg.path("id"));
            send(reply);
        } else if (msg.path("id").isNull() || !msg.has("id")) {
            onNotify.accept(msg);
        }
    }

    private void send(JsonNode msg) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(mapper.writeValueAsBytes(msg));
            while (buf.hasRemaining()) channel.write(buf);
        } catch (IOException e) {
            throw new OvsdbException("cannot write to " + socket + ": " + e.getMessage(), "io", socket.toString(), e);
        }
    }

    private JsonNode read() {
        try {
            if (parser == null) parser = mapper.getFactory().createParser(in);
            JsonNode n = mapper.readTree(parser);
            if (n == null) throw new OvsdbException("ovsdb-server closed the connection on " + socket, "io", socket.toString());
            return n;
        } catch (IOException e) {
            throw new OvsdbException("cannot read from " + socket + ": " + e.getMessage(), "io", socket.toString(), e);
        }
    }

    @Override
    public void close() {
        try {
            if (parser != null) parser.close();
            channel.close();
        } catch (IOException ignored) {
            // closing a Unix socket has nothing to report
        }
    }
}

package dev.nslab.testkit;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.netlink.IfInfoMsg;
import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;
import dev.nslab.netlink.Netlink;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.nslab.netlink.Rtnl.*;

/**
 * A stand-in for the kernel's rtnetlink socket that records what is sent and answers just enough for a command to
 * run: the links it was given (by name, by index, as a dump), an ACK for every change, an empty dump for the rest.
 * With it, the command line's grammar is tested without privileges and without touching the kernel: the requests a
 * command line makes are compared with the ones iproute2 makes for the same words.
 */
public final class ScriptedKernel implements Netlink {
    /** One request as sent: its type, its flags (without REQUEST and ACK, which the socket adds), its body in hex. */
    public record Sent(int type, int flags, String body) { }

    private record Iface(String name, int index, boolean up) { }

    private final Map<String, Iface> links = new LinkedHashMap<>();
    private final List<Sent> sent = new ArrayList<>();

    public ScriptedKernel() { link("lo", 1, true); }

    /** Makes an interface known to the scripted kernel. */
    public ScriptedKernel link(String name, int index, boolean up) {
        links.put(name, new Iface(name, index, up));
        return this;
    }

    /** Every request sent so far, in order. */
    public List<Sent> sent() { return List.copyOf(sent); }

    /** The requests that change something (not the questions a command asks first). */
    public List<Sent> changes() {
        return sent.stream().filter(s -> s.type() != RTM_GETLINK && s.type() != RTM_GETADDR && s.type() != RTM_GETROUTE
                && s.type() != RTM_GETNEIGH && s.type() != RTM_GETRULE && s.type() != RTM_GETNSID).toList();
    }

    private void record(NlRequest r) {
        ByteBuffer b = r.body();
        byte[] raw = new byte[b.remaining()];
        b.get(raw);
        sent.add(new Sent(r.type(), r.flags(), HexFormat.of().formatHex(raw)));
    }

    private static NlMessage newLink(Iface l) {
        NlRequest m = IfInfoMsg.of(l.index(), l.up() ? IFF_UP : 0, 0).writeTo(new NlRequest(RTM_NEWLINK, 0))
                .attrString(IFLA_IFNAME, l.name()).attrU32(IFLA_MTU, l.name().equals("lo") ? 65536 : 1500);
        return new NlMessage(RTM_NEWLINK, 0, 0, 0, m.body());
    }

    @Override
    public void execute(NlRequest request) {
        record(request);
        // a change of a link named by name alone: the kernel refuses one it does not know
        boolean create = (request.flags() & dev.nslab.netlink.NetlinkSocket.NLM_F_CREATE) != 0;
        if ((request.type() == RTM_NEWLINK && !create) || request.type() == RTM_DELLINK) {
            ByteBuffer b = request.body();
            String name = NlAttrs.parse(b, IfInfoMsg.LEN, b.limit()).string(IFLA_IFNAME);
            if (b.getInt(4) == 0 && name != null && !links.containsKey(name)) throw KernelException.of("No such device", Errno.ENODEV, name, null, true);
        }
    }

    @Override
    public List<KernelException> executeAll(List<NlRequest> requests, java.util.function.BiConsumer<Integer, NlMessage> replies) {
        List<KernelException> out = new ArrayList<>();
        for (NlRequest r : requests) {
            record(r);
            out.add(null);
        }
        return out;
    }

    @Override
    public NlMessage request(NlRequest request) {
        record(request);
        if (request.type() != RTM_GETLINK) throw new UnsupportedOperationException("the scripted kernel answers questions about links only");
        ByteBuffer b = request.body();
        int index = b.getInt(4);
        String name = NlAttrs.parse(b, IfInfoMsg.LEN, b.limit()).string(IFLA_IFNAME);
        for (Iface l : links.values()) {
            if ((name != null && l.name().equals(name)) || (name == null && l.index() == index)) return newLink(l);
        }
        throw KernelException.of("No such device", Errno.ENODEV, name, null, true);
    }

    @Override
    public List<NlMessage> dump(NlRequest request) {
        record(request);
        if (request.type() != RTM_GETLINK) return List.of();
        return links.values().stream().map(ScriptedKernel::newLink).toList();
    }

    @Override
    public List<NlMessage> dumpFiltered(NlRequest request) { return dump(request); }

    @Override
    public NlMessage requestStrict(NlRequest request) { return request(request); }

    /** SIOCGIFINDEX answered from the links it was given; other device ioctls succeed and change nothing. */
    @Override
    public void ioctl(long request, MemorySegment arg, String object) {
        if (request != 0x8933) return;
        String name = arg.getString(0);
        Iface l = links.get(name);
        if (l == null) throw KernelException.of("No such device", Errno.ENODEV, name, null, true);
        arg.set(java.lang.foreign.ValueLayout.JAVA_INT, 16, l.index());
    }

    @Override
    public int fd() { return -1; }

    @Override
    public void close() { }
}

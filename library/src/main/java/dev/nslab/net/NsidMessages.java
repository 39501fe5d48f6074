package dev.nslab.net;

import dev.nslab.netlink.NlRequest;
import dev.nslab.netlink.RtGenMsg;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_DUMP;
import static dev.nslab.netlink.Rtnl.*;

/** The rtnetlink messages of namespace ids (the numbers one namespace gives others). Pure. */
public final class NsidMessages {
    private NsidMessages() {}

    /** RTM_GETNSID: the id given to the namespace open at {@code fd}. */
    public static NlRequest get(int fd) { return new RtGenMsg(0).writeTo(new NlRequest(RTM_GETNSID, 0)).attrU32(NETNSA_FD, fd); }

    /** RTM_NEWNSID: id {@code id} (-1: the next free one) for the namespace open at {@code fd}. */
    public static NlRequest set(int fd, int id) {
        return new RtGenMsg(0).writeTo(new NlRequest(RTM_NEWNSID, 0)).attrU32(NETNSA_FD, fd).attrU32(NETNSA_NSID, id);
    }

    /** RTM_GETNSID of every id ({@code nsid} null) or of one, as seen from the namespace called {@code targetNsid} here (null: this one). */
    public static NlRequest list(Integer targetNsid, Integer nsid) {
        NlRequest r = new RtGenMsg(0).writeTo(new NlRequest(RTM_GETNSID, nsid == null ? NLM_F_DUMP : 0));
        if (nsid != null) r.attrU32(NETNSA_NSID, nsid);
        if (targetNsid != null) r.attrU32(NETNSA_TARGET_NSID, targetNsid);
        return r;
    }
}

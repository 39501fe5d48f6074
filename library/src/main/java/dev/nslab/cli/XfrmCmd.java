package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.NsRef;
import dev.nslab.net.Xfrm;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nslab xfrm state|policy ...}: a namespace's IPsec states and policies as ip xfrm (iproute2 6.1) adds, lists,
 * gets, deletes, flushes and counts them, with its grammar, its checks in its order, its words and exit statuses
 * ({@code monitor} and {@code allocspi} are not here). What the kernel refuses (a state whose protocol or algorithm
 * it lacks) it refuses in the kernel's words, as with ip.
 */
final class XfrmCmd extends NsCmd {
    XfrmCmd(Cli cli, NsRef ns) { super(cli, ns); }

    static final int AF_INET = 2, AF_INET6 = 10;
    static final int IPPROTO_ESP = 50, IPPROTO_AH = 51, IPPROTO_COMP = 108, IPPROTO_ROUTING = 43, IPPROTO_DSTOPTS = 60,
            IPSEC_PROTO_ANY = 255;
    static final int TCP = 6, UDP = 17, SCTP = 132, DCCP = 33, ICMP = 1, ICMPV6 = 58, GRE = 47, MH = 135;
    private static final int MODE_TRANSPORT = 0, MODE_TUNNEL = 1, MODE_RO = 2, MODE_IN_TRIGGER = 3, MODE_BEET = 4;

    /** ip's names of the IPsec protocols, in its order. */
    private static final List<Object[]> XFRM_PROTOS = List.of(new Object[] {"esp", IPPROTO_ESP}, new Object[] {"ah", IPPROTO_AH},
            new Object[] {"comp", IPPROTO_COMP}, new Object[] {"route2", IPPROTO_ROUTING}, new Object[] {"hao", IPPROTO_DSTOPTS},
            new Object[] {"ipsec-any", IPSEC_PROTO_ANY});
    private static final List<Object[]> ALGO_TYPES = List.of(new Object[] {"enc", Xfrm.A_ALG_CRYPT}, new Object[] {"auth", Xfrm.A_ALG_AUTH},
            new Object[] {"comp", Xfrm.A_ALG_COMP}, new Object[] {"aead", Xfrm.A_ALG_AEAD}, new Object[] {"auth-trunc", Xfrm.A_ALG_AUTH_TRUNC});

    private static final String USAGE = "Usage: ip xfrm XFRM-OBJECT { COMMAND | help }\nwhere  XFRM-OBJECT := state | policy | monitor";

    private static final String POLICY_USAGE = """
            Usage: ip xfrm policy { add | update } SELECTOR dir DIR [ ctx CTX ]
            	[ mark MARK [ mask MASK ] ] [ index INDEX ] [ ptype PTYPE ]
            	[ action ACTION ] [ priority PRIORITY ] [ flag FLAG-LIST ]
            	[ if_id IF_ID ] [ LIMIT-LIST ] [ TMPL-LIST ]
            Usage: ip xfrm policy { delete | get } { SELECTOR | index INDEX } dir DIR
            	[ ctx CTX ] [ mark MARK [ mask MASK ] ] [ ptype PTYPE ]
            	[ if_id IF_ID ]
            Usage: ip xfrm policy { deleteall | list } [ nosock ] [ SELECTOR ] [ dir DIR ]
            	[ index INDEX ] [ ptype PTYPE ] [ action ACTION ] [ priority PRIORITY ]
            	[ flag FLAG-LIST ]
            Usage: ip xfrm policy flush [ ptype PTYPE ]
            Usage: ip xfrm policy count
            Usage: ip xfrm policy set [ hthresh4 LBITS RBITS ] [ hthresh6 LBITS RBITS ]
            Usage: ip xfrm policy setdefault DIR ACTION [ DIR ACTION ] [ DIR ACTION ]
            Usage: ip xfrm policy getdefault
            SELECTOR := [ src ADDR[/PLEN] ] [ dst ADDR[/PLEN] ] [ dev DEV ] [ UPSPEC ]
            UPSPEC := proto { { tcp | udp | sctp | dccp } [ sport PORT ] [ dport PORT ] |
                              { icmp | ipv6-icmp | mobility-header } [ type NUMBER ] [ code NUMBER ] |
                              gre [ key { DOTTED-QUAD | NUMBER } ] | PROTO }
            DIR := in | out | fwd
            PTYPE := main | sub
            ACTION := allow | block
            FLAG-LIST := [ FLAG-LIST ] FLAG
            FLAG := localok | icmp
            LIMIT-LIST := [ LIMIT-LIST ] limit LIMIT
            LIMIT := { time-soft | time-hard | time-use-soft | time-use-hard } SECONDS |
                     { byte-soft | byte-hard } SIZE | { packet-soft | packet-hard } COUNT
            TMPL-LIST := [ TMPL-LIST ] tmpl TMPL
            TMPL := ID [ mode MODE ] [ reqid REQID ] [ level LEVEL ]
            ID := [ src ADDR ] [ dst ADDR ] [ proto XFRM-PROTO ] [ spi SPI ]
            XFRM-PROTO := esp | ah | comp | route2 | hao
            MODE := transport | tunnel | beet | ro | in_trigger
            LEVEL := required | use""";

    private static final String STATE_USAGE = """
            Usage: ip xfrm state { add | update } ID [ ALGO-LIST ] [ mode MODE ]
                    [ mark MARK [ mask MASK ] ] [ reqid REQID ] [ seq SEQ ]
                    [ replay-window SIZE ] [ replay-seq SEQ ] [ replay-oseq SEQ ]
                    [ replay-seq-hi SEQ ] [ replay-oseq-hi SEQ ]
                    [ flag FLAG-LIST ] [ sel SELECTOR ] [ LIMIT-LIST ] [ encap ENCAP ]
                    [ coa ADDR[/PLEN] ] [ ctx CTX ] [ extra-flag EXTRA-FLAG-LIST ]
                    [ offload [dev DEV] dir DIR ]
                    [ output-mark OUTPUT-MARK [ mask MASK ] ]
                    [ if_id IF_ID ] [ tfcpad LENGTH ]
            Usage: ip xfrm state allocspi ID [ mode MODE ] [ mark MARK [ mask MASK ] ]
                    [ reqid REQID ] [ seq SEQ ] [ min SPI max SPI ]
            Usage: ip xfrm state { delete | get } ID [ mark MARK [ mask MASK ] ]
            Usage: ip xfrm state deleteall [ ID ] [ mode MODE ] [ reqid REQID ]
                    [ flag FLAG-LIST ]
            Usage: ip xfrm state list [ nokeys ] [ ID ] [ mode MODE ] [ reqid REQID ]
                    [ flag FLAG-LIST ]
            Usage: ip xfrm state flush [ proto XFRM-PROTO ]
            Usage: ip xfrm state count
            ID := [ src ADDR ] [ dst ADDR ] [ proto XFRM-PROTO ] [ spi SPI ]
            XFRM-PROTO := esp | ah | comp | route2 | hao
            ALGO-LIST := [ ALGO-LIST ] ALGO
            ALGO := { enc | auth } ALGO-NAME ALGO-KEYMAT |
                    auth-trunc ALGO-NAME ALGO-KEYMAT ALGO-TRUNC-LEN |
                    aead ALGO-NAME ALGO-KEYMAT ALGO-ICV-LEN |
                    comp ALGO-NAME
            MODE := transport | tunnel | beet | ro | in_trigger
            FLAG-LIST := [ FLAG-LIST ] FLAG
            FLAG := noecn | decap-dscp | nopmtudisc | wildrecv | icmp | af-unspec | align4 | esn
            EXTRA-FLAG-LIST := [ EXTRA-FLAG-LIST ] EXTRA-FLAG
            EXTRA-FLAG := dont-encap-dscp | oseq-may-wrap
            SELECTOR := [ src ADDR[/PLEN] ] [ dst ADDR[/PLEN] ] [ dev DEV ] [ UPSPEC ]
            UPSPEC := proto { { tcp | udp | sctp | dccp } [ sport PORT ] [ dport PORT ] |
                              { icmp | ipv6-icmp | mobility-header } [ type NUMBER ] [ code NUMBER ] |
                              gre [ key { DOTTED-QUAD | NUMBER } ] | PROTO }
            LIMIT-LIST := [ LIMIT-LIST ] limit LIMIT
            LIMIT := { time-soft | time-hard | time-use-soft | time-use-hard } SECONDS |
                     { byte-soft | byte-hard } SIZE | { packet-soft | packet-hard } COUNT
            ENCAP := { espinudp | espinudp-nonike | espintcp } SPORT DPORT OADDR
            DIR := in | out""";

    /** The words of the command after "xfrm", walked as iproute2 walks argv (with its back-tracking). */
    private static final class Words {
        final List<String> w;
        int i;

        Words(List<String> w) { this.w = w; }

        boolean more() { return i < w.size(); }

        String cur() { return w.get(i); }

        /** NEXT_ARG: the next word, or ip's "Command line is not complete". */
        String next() {
            if (i + 1 >= w.size()) throw new UsageException("Command line is not complete. Try option \"help\"");
            return w.get(++i);
        }

        boolean nextOk() { return i + 1 < w.size(); }

        void prev() { i--; }
    }

    private Family preferred;

    @Override
    int run(Args a) {
        List<String> rest = new ArrayList<>();
        while (a.more()) rest.add(a.next());
        preferred = cli.family;
        if (rest.isEmpty()) throw new UsageException(USAGE);
        String obj = rest.getFirst();
        Words w = new Words(rest.subList(1, rest.size()));
        if (Args.matches(obj, "state") || Args.matches(obj, "sa")) return state(w);
        if (Args.matches(obj, "policy")) return policy(w);
        if (Args.matches(obj, "monitor")) {
            throw new UsageException("nslab: \"ip xfrm monitor\" is not supported: it waits for the kernel's events", 1);
        }
        throw new UsageException(USAGE);
    }

    // ---- ip's error words ---------------------------------------------------------------------------------------

    private static UsageException invarg(String why, String arg) { return new UsageException("Error: argument \"" + arg + "\" is wrong: " + why); }

    private static UsageException duparg(String key, String arg) {
        return new UsageException("Error: duplicate \"" + key + "\": \"" + arg + "\" is the second value.");
    }

    private static UsageException missarg(String key) { return new UsageException("Error: argument \"" + key + "\" is required"); }

    /** A message of ip's own printed as it prints it, with its exit status. */
    private static UsageException said(String text, int status) { return new UsageException(text, status); }

    private static long u32(String v, String why) {
        Long n = Args.unsigned(v, 0xffffffffL);
        if (n == null) throw invarg(why, v);
        return n;
    }

    // ---- states --------------------------------------------------------------------------------------------------

    private int state(Words w) {
        if (!w.more()) {
            try (Xfrm x = Xfrm.open(cli.registry, ns)) {
                return stateList(x, w);
            }
        }
        String verb = w.cur();
        w.i++;
        try (Xfrm x = Xfrm.open(cli.registry, ns)) {
            if (Args.matches(verb, "add")) return stateModify(x, w, Xfrm.MSG_NEWSA);
            if (Args.matches(verb, "update")) return stateModify(x, w, Xfrm.MSG_UPDSA);
            if (Args.matches(verb, "allocspi")) throw new UsageException("nslab: \"ip xfrm state allocspi\" is not supported", 1);
            if (Args.matches(verb, "delete")) return stateGetOrDelete(x, w, true);
            if (Args.matches(verb, "deleteall") || Args.matches(verb, "delall")) return stateDeleteAll(x, w);
            if (Args.matches(verb, "list") || Args.matches(verb, "show") || Args.matches(verb, "lst")) return stateList(x, w);
            if (Args.matches(verb, "get")) return stateGetOrDelete(x, w, false);
            if (Args.matches(verb, "flush")) return stateFlush(x, w);
            if (Args.matches(verb, "count")) return stateCount(x);
            if (Args.matches(verb, "help")) throw new UsageException(STATE_USAGE);
        }
        throw new UsageException("Command \"" + verb + "\" is unknown, try \"ip xfrm state help\".");
    }

    /** What list and deleteall filter on. */
    private static final class StateFilter {
        boolean use;
        Family family;
        byte[] saddr = new byte[16], daddr = new byte[16];
        int srcMask, dstMask;
        Integer proto, mode, flags;
        Long spi, reqid;
    }

    private StateFilter stateFilter(Words w, boolean[] nokeys) {
        StateFilter f = new StateFilter();
        f.use = w.more() || preferred != null;
        f.family = preferred;
        boolean idp = false;
        for (; w.more(); w.i++) {
            String k = w.cur();
            if (k.equals("nokeys") && nokeys != null) nokeys[0] = true;
            else if (k.equals("mode")) f.mode = mode(w.next());
            else if (k.equals("reqid")) f.reqid = u32(w.next(), "REQID value is invalid");
            else if (k.equals("flag")) {
                w.next();
                f.flags = stateFlags(w);
            } else {
                if (idp) throw invarg("unknown", k);
                idp = true;
                IdParse id = idParse(w, true);
                if (id.family != 0) f.family = id.family == AF_INET ? Family.INET : Family.INET6;
                f.saddr = id.saddr;
                f.daddr = id.daddr;
                f.srcMask = id.srcMask;
                f.dstMask = id.dstMask;
                if (id.proto != 0) f.proto = id.proto;
                if (id.spiSet) f.spi = id.spi;
                if (preferred == null) preferred = f.family;
            }
        }
        return f;
    }

    private static boolean matches(StateFilter f, Xfrm.SaInfo s) {
        if (!f.use) return true;
        if (f.family != null && Family.codeOf(f.family) != s.family()) return false;
        if (f.srcMask > 0 && !prefixMatch(s.saddr(), f.saddr, f.srcMask)) return false;
        if (f.dstMask > 0 && !prefixMatch(s.id().daddr(), f.daddr, f.dstMask)) return false;
        if (f.proto != null && f.proto != s.id().proto()) return false;
        if (f.spi != null && f.spi != s.id().spi()) return false;
        if (f.mode != null && f.mode != s.mode()) return false;
        if (f.reqid != null && f.reqid != s.reqid()) return false;
        return f.flags == null || (s.flags() & f.flags) != 0;
    }

    private int stateList(Xfrm x, Words w) {
        boolean[] nokeys = {false};
        StateFilter f = stateFilter(w, nokeys);
        List<Xfrm.Attr> filter = new ArrayList<>();
        if (f.proto != null) filter.add(Xfrm.u8(Xfrm.A_PROTO, f.proto));
        filter.add(Xfrm.addressFilter(f.saddr, f.daddr, Family.codeOf(f.family), f.srcMask, f.dstMask));
        StringBuilder out = new StringBuilder();
        XfrmFormat format = format();
        for (Xfrm.Sa s : x.states(filter)) if (matches(f, s.info())) format.state(out, s, nokeys[0]);
        cli.out.print(out);
        return 0;
    }

    private int stateDeleteAll(Xfrm x, Words w) {
        StateFilter f = stateFilter(w, null);
        // as ip: rounds of a dump and the deletions of what matched, until a dump finds none; a refused deletion
        // (the others of its round done) ends it, in perror's words
        while (true) {
            List<Xfrm.Request> round = new ArrayList<>();
            for (Xfrm.Sa s : x.states(List.of())) {
                if (!matches(f, s.info())) continue;
                Xfrm.SaInfo i = s.info();
                List<Xfrm.Attr> attrs = new ArrayList<>(List.of(Xfrm.address(Xfrm.A_SRCADDR, i.saddr())));
                if (s.attrs().has(Xfrm.A_MARK)) attrs.add(new Xfrm.Attr(Xfrm.A_MARK, s.attrs().bytes(Xfrm.A_MARK)));
                round.add(Xfrm.saIdRequest(Xfrm.MSG_DELSA, i.id().daddr(), i.id().spi(), i.family(), i.id().proto(), attrs));
            }
            if (round.isEmpty()) return 0;
            refused(x.executeAll(round), "Failed to send delete-all request\n");
        }
    }

    /** The first refusal of a round of deletions, as ip's perror() prints it (exit 1). */
    private static void refused(List<KernelException> results, String what) {
        for (KernelException e : results) {
            if (e != null) throw said(what + ": " + dev.nslab.net.NetHandle.strerror(e.errno()), 1);
        }
    }

    private int stateFlush(Xfrm x, Words w) {
        int proto = 0;
        boolean protop = false;
        for (; w.more(); w.i++) {
            if (w.cur().equals("proto")) {
                if (protop) throw duparg("proto", w.cur());
                protop = true;
                proto = xfrmProto(w.next());
            } else throw invarg("unknown", w.cur());
        }
        x.execute(Xfrm.flushSaRequest(proto));
        return 0;
    }

    private int stateCount(Xfrm x) {
        cli.out.print(format().sadInfo(x.info(Xfrm.MSG_GETSADINFO)));
        return 0;
    }

    private int stateGetOrDelete(Xfrm x, Words w, boolean delete) {
        boolean idp = false;
        IdParse id = null;
        long[] mark = {0, 0};
        int family = Family.codeOf(preferred);
        for (; w.more(); w.i++) {
            if (w.cur().equals("mark")) mark = markParse(w);
            else {
                if (idp) throw invarg("unknown", w.cur());
                idp = true;
                id = idParse(w, false);
                if (id.family != 0) family = id.family;
            }
        }
        List<Xfrm.Attr> attrs = new ArrayList<>();
        if (id != null) attrs.add(Xfrm.address(Xfrm.A_SRCADDR, id.saddr));
        if ((mark[1] & mark[0]) != 0) attrs.add(Xfrm.mark(Xfrm.A_MARK, mark[0], mark[1]));
        Xfrm.Request r = Xfrm.saIdRequest(delete ? Xfrm.MSG_DELSA : Xfrm.MSG_GETSA, id == null ? new byte[16] : id.daddr, id == null ? 0 : id.spi,
                family == 0 ? AF_INET : family, id == null ? 0 : id.proto, attrs);
        if (delete) {
            x.execute(r);
            return 0;
        }
        StringBuilder out = new StringBuilder();
        format().state(out, x.getSa(r), false);
        cli.out.print(out);
        return 0;
    }

    private int stateModify(Xfrm x, Words w, int type) {
        x.execute(stateRequest(w, type));
        return 0;
    }

    /**
     * What "ip xfrm policy|state add|update WORDS" sends, for a test's comparison with ip's bytes ({@code words}
     * after "xfrm"); -4/-6 as the command line set them.
     */
    Xfrm.Request modifyRequest(List<String> words) {
        preferred = cli.family;
        Words w = new Words(words.subList(2, words.size()));
        boolean update = Args.matches(words.get(1), "update");
        return Args.matches(words.getFirst(), "policy") ? policyRequest(w, update ? Xfrm.MSG_UPDPOLICY : Xfrm.MSG_NEWPOLICY)
                : stateRequest(w, update ? Xfrm.MSG_UPDSA : Xfrm.MSG_NEWSA);
    }

    private Xfrm.Request stateRequest(Words w, int type) {
        int[] family = {Family.codeOf(preferred)};
        Xfrm.Selector sel = Xfrm.Selector.empty();
        IdParse id = null;
        int mode = 0, flags = 0;
        long reqid = 0, seq = 0, replayWindow = 0, replaySeq = 0, replayOseq = 0, seqHi = 0, oseqHi = 0, extraFlags = 0, ifId = 0, tfcpad = 0;
        boolean ifIdSet = false;
        long[] mark = {0, 0}, outputMark = {0, 0};
        Xfrm.Lifetime lft = Xfrm.Lifetime.unlimited();
        String aeadop = null, ealgop = null, aalgop = null, calgop = null, coap = null, sctxp = null;
        List<Xfrm.Attr> attrs = new ArrayList<>();
        for (; w.more(); w.i++) {
            String k = w.cur();
            switch (k) {
                case "mode" -> mode = mode(w.next());
                case "mark" -> mark = markParse(w);
                case "reqid" -> reqid = u32(w.next(), "REQID value is invalid");
                case "seq" -> seq = Integer.reverseBytes((int) u32(w.next(), "SEQ value is invalid")) & 0xffffffffL;
                case "replay-window" -> replayWindow = u32(w.next(), "value after \"replay-window\" is invalid");
                case "replay-seq" -> replaySeq = u32(w.next(), "value after \"replay-seq\" is invalid");
                case "replay-seq-hi" -> seqHi = u32(w.next(), "value after \"replay-seq-hi\" is invalid");
                case "replay-oseq" -> replayOseq = u32(w.next(), "value after \"replay-oseq\" is invalid");
                case "replay-oseq-hi" -> oseqHi = u32(w.next(), "value after \"replay-oseq-hi\" is invalid");
                case "flag" -> {
                    w.next();
                    flags = stateFlags(w);
                }
                case "extra-flag" -> {
                    w.next();
                    extraFlags = extraFlags(w);
                }
                case "sel" -> {
                    w.next();
                    preferred = null;
                    sel = selectorParse(w);
                    preferred = Family.of(sel.family());
                }
                case "limit" -> {
                    w.next();
                    lft = lifetime(w, lft);
                }
                case "encap" -> {
                    int etype = switch (w.next()) {
                        case "espinudp-nonike" -> 1;
                        case "espinudp" -> 2;
                        case "espintcp" -> 7;
                        default -> throw invarg("ENCAP-TYPE value is invalid", w.cur());
                    };
                    long sport = u16(w.next(), "SPORT value after \"encap\" is invalid");
                    long dport = u16(w.next(), "DPORT value after \"encap\" is invalid");
                    InetAddress oa = AddressWords.getAddr(w.next(), null);
                    attrs.add(Xfrm.encap(etype, (int) sport, (int) dport, a16(oa)));
                }
                case "coa" -> {
                    if (coap != null) throw duparg("coa", k);
                    coap = k;
                    Prefix p = prefix(w.next(), "coa");
                    attrs.add(Xfrm.address(Xfrm.A_COADDR, p.addr));
                }
                case "ctx" -> {
                    if (sctxp != null) throw duparg("ctx", k);
                    sctxp = k;
                    attrs.add(Xfrm.securityContext(w.next()));
                }
                case "offload" -> throw new UsageException("nslab: \"offload\" (a device's IPsec offload) is not supported", 1);
                case "output-mark" -> {
                    outputMark[0] = u32(w.next(), "value after \"output-mark\" is invalid");
                    if (w.nextOk()) {
                        if (w.next().equals("mask")) outputMark[1] = u32(w.next(), "mask value is invalid\n");
                        else w.prev();
                    }
                }
                case "if_id" -> {
                    ifId = u32(w.next(), "value after \"if_id\" is invalid");
                    ifIdSet = true;
                }
                case "tfcpad" -> tfcpad = u32(w.next(), "value after \"tfcpad\" is invalid");
                default -> {
                    Integer atype = algoType(k);
                    if (atype != null) {
                        switch (atype) {
                            case Xfrm.A_ALG_AEAD -> {
                                if (ealgop != null || aalgop != null || aeadop != null) throw duparg("ALGO-TYPE", k);
                                aeadop = k;
                            }
                            case Xfrm.A_ALG_CRYPT -> {
                                if (ealgop != null || aeadop != null) throw duparg("ALGO-TYPE", k);
                                ealgop = k;
                            }
                            case Xfrm.A_ALG_AUTH, Xfrm.A_ALG_AUTH_TRUNC -> {
                                if (aalgop != null || aeadop != null) throw duparg("ALGO-TYPE", k);
                                aalgop = k;
                            }
                            default -> {
                                if (calgop != null) throw duparg("ALGO-TYPE", k);
                                calgop = k;
                            }
                        }
                        if (!w.nextOk()) throw missarg("ALGO-NAME");
                        String name = w.next();
                        String key = "";
                        if (atype != Xfrm.A_ALG_COMP) {
                            if (!w.nextOk()) throw missarg("ALGO-KEYMAT");
                            key = w.next();
                        }
                        int extra = 0;
                        if (atype == Xfrm.A_ALG_AEAD) {
                            if (!w.nextOk()) throw missarg("ALGO-ICV-LEN");
                            extra = (int) u32(w.next(), "ALGO-ICV-LEN value is invalid");
                        } else if (atype == Xfrm.A_ALG_AUTH_TRUNC) {
                            if (!w.nextOk()) throw missarg("ALGO-TRUNC-LEN");
                            extra = (int) u32(w.next(), "ALGO-TRUNC-LEN value is invalid");
                        }
                        attrs.add(Xfrm.algo(new Xfrm.Algo(atype, name.length() > 63 ? name.substring(0, 63) : name, keymat(key), extra)));
                    } else {
                        if (id != null) throw invarg("unknown", k);
                        id = idParse(w, false);
                        family[0] = id.family;
                        if (preferred == null) preferred = Family.of(id.family);
                    }
                }
            }
        }
        if ((flags & 128) != 0 && replayWindow == 0) throw said("Error: esn flag set without replay-window.", 255);
        if (replayWindow > 128 * 32) throw said("Error: replay-window (" + replayWindow + ") > XFRMA_REPLAY_ESN_MAX (4096).", 255);
        int window = 0;
        if ((flags & 128) != 0 || replayWindow > 32) {
            ByteBuffer esn = ByteBuffer.allocate(24 + 4 * (int) ((replayWindow + 31) / 32)).order(java.nio.ByteOrder.nativeOrder());
            esn.putInt(0, (int) ((replayWindow + 31) / 32)).putInt(4, (int) replayOseq).putInt(8, (int) replaySeq)
                    .putInt(12, (int) oseqHi).putInt(16, (int) seqHi).putInt(20, (int) replayWindow);
            attrs.add(new Xfrm.Attr(Xfrm.A_REPLAY_ESN_VAL, java.util.Arrays.copyOf(esn.array(), 24)));
        } else {
            if (replaySeq != 0 || replayOseq != 0) {
                ByteBuffer r = ByteBuffer.allocate(12).order(java.nio.ByteOrder.nativeOrder());
                r.putInt(0, (int) replayOseq).putInt(4, (int) replaySeq);
                attrs.add(new Xfrm.Attr(Xfrm.A_REPLAY_VAL, r.array()));
            }
            window = (int) replayWindow;
        }
        if (extraFlags != 0) attrs.add(Xfrm.u32(Xfrm.A_SA_EXTRA_FLAGS, extraFlags));
        if (id == null) throw said("Not enough information: ID is required", 1);
        if (mark[1] != 0) attrs.add(Xfrm.mark(Xfrm.A_MARK, mark[0], mark[1]));
        if (ifIdSet) attrs.add(Xfrm.u32(Xfrm.A_IF_ID, ifId));
        if (tfcpad != 0) attrs.add(Xfrm.u32(Xfrm.A_TFCPAD, tfcpad));
        int proto = id.proto;
        if (proto == IPPROTO_ESP || proto == IPPROTO_AH || proto == IPPROTO_COMP) {
            boolean modeOk = mode == MODE_TRANSPORT || mode == MODE_TUNNEL || (mode == MODE_BEET && proto == IPPROTO_ESP);
            if (!modeOk) throw said("MODE value is invalid with XFRM-PROTO value \"" + xfrmProtoName(proto) + "\"", 1);
            if (proto == IPPROTO_ESP) {
                if (calgop != null) throw said("ALGO-TYPE value \"comp\" is invalid with XFRM-PROTO value \"esp\"", 1);
                if (ealgop == null && aeadop == null) throw said("ALGO-TYPE value \"enc\" or \"aead\" is required with XFRM-PROTO value \"esp\"", 1);
            } else if (proto == IPPROTO_AH) {
                if (ealgop != null || aeadop != null || calgop != null) {
                    throw said("ALGO-TYPE values \"enc\", \"aead\", and \"comp\" are invalid with XFRM-PROTO value \"ah\"", 1);
                }
                if (aalgop == null) throw said("ALGO-TYPE value \"auth\" or \"auth-trunc\" is required with XFRM-PROTO value \"ah\"", 1);
            } else {
                if (ealgop != null || aalgop != null || aeadop != null) {
                    throw said("ALGO-TYPE values \"enc\", \"auth\", \"auth-trunc\", and \"aead\" are invalid with XFRM-PROTO value \"comp\"", 1);
                }
                if (calgop == null) throw said("ALGO-TYPE value \"comp\" is required with XFRM-PROTO value \"comp\"", 1);
            }
        } else if (ealgop != null || aalgop != null || aeadop != null || calgop != null) {
            throw said("ALGO is invalid with XFRM-PROTO value \"" + xfrmProtoName(proto) + "\"", 1);
        }
        if (proto == IPPROTO_ROUTING || proto == IPPROTO_DSTOPTS) {
            if (mode == 0) throw said("\"mode\" is required with XFRM-PROTO value \"" + xfrmProtoName(proto) + "\"", 1);
            if (mode != MODE_RO && mode != MODE_IN_TRIGGER) throw said("MODE value is invalid with XFRM-PROTO value \"" + xfrmProtoName(proto) + "\"", 1);
            if (coap == null) throw said("\"coa\" is required with XFRM-PROTO value \"" + xfrmProtoName(proto) + "\"", 1);
        } else if (coap != null) {
            throw said("\"coa\" is invalid with XFRM-PROTO value \"" + xfrmProtoName(proto) + "\"", 1);
        }
        if (outputMark[0] != 0) attrs.add(Xfrm.u32(Xfrm.A_OUTPUT_MARK, outputMark[0]));
        if (outputMark[1] != 0) attrs.add(Xfrm.u32(Xfrm.A_SET_MARK_MASK, outputMark[1]));
        Xfrm.SaInfo info = new Xfrm.SaInfo(sel, new Xfrm.Id(id.daddr, id.spi, id.proto), id.saddr, lft, new long[3], seq, reqid,
                family[0] == 0 ? AF_INET : family[0], mode, window, flags);
        return Xfrm.saRequest(type, info, attrs);
    }

    private static long u16(String v, String why) {
        Long n = Args.unsigned(v, 0xffff);
        if (n == null) throw invarg(why, v);
        return n;
    }

    /** ALGO-KEYMAT: "0x" and hexadecimal digits (an odd count gets a leading 0), else the text's own bytes. */
    private static byte[] keymat(String key) {
        if (key.length() > 2 && key.startsWith("0x")) {
            String p = key.substring(2);
            if (p.length() % 2 == 1) p = "0" + p;
            byte[] out = new byte[p.length() / 2];
            for (int j = 0; j < out.length; j++) {
                try {
                    out[j] = (byte) Integer.parseInt(p.substring(2 * j, 2 * j + 2), 16);
                } catch (NumberFormatException e) {
                    throw invarg("ALGO-KEYMAT value is invalid", key);
                }
            }
            if (out.length > 512) throw invarg("ALGO-KEYMAT value makes buffer overflow\n", key);
            return out;
        }
        byte[] out = key.getBytes(StandardCharsets.UTF_8);
        if (out.length > 512) throw invarg("ALGO-KEYMAT value makes buffer overflow\n", key);
        return out;
    }

    private static Integer algoType(String name) {
        for (Object[] t : ALGO_TYPES) if (t[0].equals(name)) return (Integer) t[1];
        return null;
    }

    static String algoTypeName(int type) {
        for (Object[] t : ALGO_TYPES) if ((Integer) t[1] == type) return (String) t[0];
        return Integer.toString(type);
    }

    private static int stateFlags(Words w) {
        String v = w.cur();
        if (v.length() > 2 && v.startsWith("0x")) {
            Long n = Args.unsigned(v, 0xff);
            if (n == null) throw invarg("FLAG value is invalid", v);
            return n.intValue();
        }
        int flags = 0;
        List<String> names = List.of("noecn", "decap-dscp", "nopmtudisc", "wildrecv", "icmp", "af-unspec", "align4", "esn");
        while (true) {
            int bit = names.indexOf(w.cur());
            if (bit < 0) {
                w.prev();
                break;
            }
            flags |= 1 << bit;
            if (!w.nextOk()) break;
            w.next();
        }
        return flags;
    }

    private static long extraFlags(Words w) {
        String v = w.cur();
        if (v.length() > 2 && v.startsWith("0x")) {
            Long n = Args.unsigned(v, 0xffffffffL);
            if (n == null) throw invarg("\"EXTRA-FLAG\" is invalid", v);
            return n;
        }
        long flags = 0;
        while (true) {
            if (w.cur().equals("dont-encap-dscp")) flags |= 1;
            else if (w.cur().equals("oseq-may-wrap")) flags |= 2;
            else {
                w.prev();
                break;
            }
            if (!w.nextOk()) break;
            w.next();
        }
        return flags;
    }

    private static Xfrm.Lifetime lifetime(Words w, Xfrm.Lifetime l) {
        long[] cfg = l.cfg().clone();
        String k = w.cur();
        int at = List.of("byte-soft", "byte-hard", "packet-soft", "packet-hard", "time-soft", "time-hard", "time-use-soft", "time-use-hard").indexOf(k);
        if (at < 0) throw invarg("LIMIT value is invalid", k);
        String v = w.next();
        try {
            cfg[at] = v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseUnsignedLong(v);
        } catch (NumberFormatException e) {
            throw invarg("value after \"" + k + "\" is invalid", v);
        }
        return new Xfrm.Lifetime(cfg, l.cur());
    }

    private static long[] markParse(Words w) {
        long v = u32(w.next(), "MARK value is invalid\n"), m;
        if (!w.nextOk()) return new long[] {v, 0xffffffffL};
        if (w.next().equals("mask")) m = u32(w.next(), "MASK value is invalid\n");
        else {
            m = 0xffffffffL;
            w.prev();
        }
        return new long[] {v, m};
    }

    private static int mode(String v) {
        if (Args.matches(v, "transport")) return MODE_TRANSPORT;
        if (Args.matches(v, "tunnel")) return MODE_TUNNEL;
        if (Args.matches(v, "ro")) return MODE_RO;
        if (Args.matches(v, "in_trigger")) return MODE_IN_TRIGGER;
        if (Args.matches(v, "beet")) return MODE_BEET;
        throw invarg("MODE value is invalid", v);
    }

    static String modeName(int mode) {
        return switch (mode) {
            case MODE_TRANSPORT -> "transport";
            case MODE_TUNNEL -> "tunnel";
            case MODE_RO -> "ro";
            case MODE_IN_TRIGGER -> "in_trigger";
            case MODE_BEET -> "beet";
            default -> Integer.toString(mode);
        };
    }

    private static int xfrmProto(String v) {
        for (Object[] p : XFRM_PROTOS) if (p[0].equals(v)) return (Integer) p[1];
        throw invarg("XFRM-PROTO value is invalid", v);
    }

    static String xfrmProtoName(int proto) {
        for (Object[] p : XFRM_PROTOS) if ((Integer) p[1] == proto) return (String) p[0];
        return Integer.toString(proto);
    }

    // ---- ID and SELECTOR -----------------------------------------------------------------------------------------

    /** An address with its prefix length, as get_prefix reads it (16 bytes, as xfrm_address_t holds it). */
    private record Prefix(int family, byte[] addr, int bits) { }

    private Prefix prefix(String v, String after) {
        if (v.equals("default") || v.equals("any") || v.equals("all")) {
            if (preferred == null) throw invarg("value after \"" + after + "\" has an unrecognized address family", v);
            return new Prefix(Family.codeOf(preferred), new byte[16], 0);
        }
        Cidr c;
        try {
            c = Cidr.parse(v);
        } catch (KernelException e) {
            throw new UsageException("Error: " + (preferred == null ? "any valid" : preferred.word()) + " prefix is expected rather than \"" + v + "\".", 1);
        }
        int fam = Family.of(c.address()) == Family.INET ? AF_INET : AF_INET6;
        if (preferred != null && Family.codeOf(preferred) != fam) {
            throw new UsageException("Error: " + preferred.word() + " prefix is expected rather than \"" + v + "\".", 1);
        }
        return new Prefix(fam, a16(c.address()), c.prefixLength());
    }

    private static byte[] a16(InetAddress a) { return java.util.Arrays.copyOf(a.getAddress(), 16); }

    private static final class IdParse {
        byte[] saddr = new byte[16], daddr = new byte[16];
        int family, srcMask, dstMask, proto;
        long spi;
        boolean spiSet;
    }

    /** xfrm_id_parse: src, dst, proto and spi, in any order, up to the first other word (left to the caller). */
    private IdParse idParse(Words w, boolean loose) {
        IdParse id = new IdParse();
        int start = w.i, srcFam = 0, dstFam = 0;
        while (true) {
            String k = w.cur();
            if (k.equals("src")) {
                Prefix p = prefix(w.next(), "src");
                id.family = srcFam = p.family;
                id.saddr = p.addr;
                id.srcMask = p.bits;
            } else if (k.equals("dst")) {
                Prefix p = prefix(w.next(), "dst");
                id.family = dstFam = p.family;
                id.daddr = p.addr;
                id.dstMask = p.bits;
            } else if (k.equals("proto")) {
                id.proto = xfrmProto(w.next());
            } else if (k.equals("spi")) {
                id.spi = u32(w.next(), "SPI value is invalid");
                id.spiSet = true;
            } else {
                w.prev();
                break;
            }
            if (!w.nextOk()) break;
            w.next();
        }
        if (srcFam != 0 && dstFam != 0 && srcFam != dstFam) {
            throw invarg("the same address family is required between values after \"src\" and \"dst\"", w.cur());
        }
        if (id.spi != 0 && id.proto != 0) {
            if (id.proto == IPPROTO_ROUTING || id.proto == IPPROTO_DSTOPTS) {
                throw said("\"spi\" is invalid with XFRM-PROTO value \"" + xfrmProtoName(id.proto) + "\"", 1);
            }
            if (id.proto == IPPROTO_COMP && id.spi >= 0x10000) {
                throw said("SPI value is too large with XFRM-PROTO value \"" + xfrmProtoName(id.proto) + "\"", 1);
            }
        }
        if (!loose && id.proto == 0) throw missarg("XFRM-PROTO");
        if (w.i == start) throw missarg("ID"); // as ip counts: nothing taken, yet not backed off either
        return id;
    }

    /** xfrm_selector_parse: src, dst, dev and one UPSPEC. */
    private Xfrm.Selector selectorParse(Words w) {
        int start = w.i, family = 0, srcFam = 0, dstFam = 0, prefixD = 0, prefixS = 0, ifindex = 0, proto = 0;
        byte[] saddr = new byte[16], daddr = new byte[16];
        int[] ports = {0, 0, 0, 0}; // sport, sport mask, dport, dport mask
        boolean upspec = false;
        int[] protoOut = {0};
        while (true) {
            String k = w.cur();
            if (k.equals("src")) {
                Prefix p = prefix(w.next(), "src");
                family = srcFam = p.family;
                saddr = p.addr;
                prefixS = p.bits;
            } else if (k.equals("dst")) {
                Prefix p = prefix(w.next(), "dst");
                family = dstFam = p.family;
                daddr = p.addr;
                prefixD = p.bits;
            } else if (k.equals("dev")) {
                String d = w.next();
                if (d.equals("none")) ifindex = 0;
                else {
                    try {
                        ifindex = cli.handle(ns).index(d);
                    } catch (KernelException e) {
                        throw invarg("DEV value is invalid", d);
                    }
                }
            } else {
                if (upspec) {
                    w.prev();
                    break;
                }
                upspec = true;
                upspecParse(w, protoOut, ports);
                proto = protoOut[0];
            }
            if (!w.nextOk()) break;
            w.next();
        }
        if (srcFam != 0 && dstFam != 0 && srcFam != dstFam) {
            throw invarg("the same address family is required between values after \"src\" and \"dst\"", w.cur());
        }
        if (w.i == start) throw missarg("SELECTOR");
        return new Xfrm.Selector(family, daddr, saddr, ports[2], ports[3], ports[0], ports[1], prefixD, prefixS, proto, ifindex, 0);
    }

    private static void upspecParse(Words w, int[] proto, int[] ports) {
        int start = w.i;
        boolean sportp = false, dportp = false, typep = false, codep = false, grekey = false;
        while (true) {
            String k = w.cur();
            switch (k) {
                case "proto" -> {
                    String v = w.next();
                    if (v.equals("any")) proto[0] = 0;
                    else {
                        Integer n = protocolNumber(v);
                        if (n == null) {
                            Long u = Args.unsigned(v, 255);
                            if (u == null) throw invarg("PROTO value is invalid", v);
                            n = u.intValue();
                        }
                        proto[0] = n;
                    }
                }
                case "sport", "dport" -> {
                    boolean s = k.equals("sport");
                    if (s) sportp = true;
                    else dportp = true;
                    String v = w.next();
                    Long n = Args.unsigned(v, 0xffff);
                    if (n == null) throw invarg("value after \"" + k + "\" is invalid", v);
                    ports[s ? 0 : 2] = n.intValue();
                    if (n != 0) ports[s ? 1 : 3] = 0xffff;
                }
                case "type", "code" -> {
                    boolean t = k.equals("type");
                    if (t) typep = true;
                    else codep = true;
                    String v = w.next();
                    Long n = Args.unsigned(v, 0xffff);
                    if (n == null || n > 0xff) throw invarg("value after \"" + k + "\" is invalid", v);
                    ports[t ? 0 : 2] = n.intValue();
                    ports[t ? 1 : 3] = 0xffff;
                }
                case "key" -> {
                    grekey = true;
                    String v = w.next();
                    long u;
                    if (v.contains(".")) {
                        byte[] b = LinkLayer.ipv4(v);
                        if (b == null) throw said("value after \"key\" is invalid", 255);
                        u = ByteBuffer.wrap(b).getInt() & 0xffffffffL;
                    } else {
                        Long n = Args.unsigned(v, 0xffffffffL);
                        if (n == null) throw said("value after \"key\" is invalid", 255);
                        u = n;
                    }
                    ports[0] = (int) (u >>> 16);
                    ports[2] = (int) (u & 0xffff);
                    ports[1] = ports[3] = 0xffff;
                }
                default -> {
                    w.prev();
                    if (w.i == start) throw missarg("UPSPEC");
                    check(proto[0], sportp, dportp, typep, codep, grekey);
                    return;
                }
            }
            if (!w.nextOk()) break;
            w.next();
        }
        check(proto[0], sportp, dportp, typep, codep, grekey);
    }

    private static void check(int proto, boolean sportp, boolean dportp, boolean typep, boolean codep, boolean grekey) {
        if ((sportp || dportp) && !Set.of(TCP, UDP, SCTP, DCCP, 0).contains(proto)) {
            throw said("\"sport\" and \"dport\" are invalid with PROTO value \"" + protocolName(proto) + "\"", 1);
        }
        if ((typep || codep) && !Set.of(ICMP, ICMPV6, MH).contains(proto)) {
            throw said("\"type\" and \"code\" are invalid with PROTO value \"" + protocolName(proto) + "\"", 1);
        }
        if (grekey && proto != GRE) throw said("\"key\" is invalid with PROTO value \"" + protocolName(proto) + "\"", 1);
    }

    private static Integer protocolNumber(String name) { return IpProtocols.number(name); }

    static String protocolName(int n) { return IpProtocols.name(n); }

    // ---- policies ------------------------------------------------------------------------------------------------

    private int policy(Words w) {
        if (!w.more()) {
            try (Xfrm x = Xfrm.open(cli.registry, ns)) {
                return policyList(x, w, false);
            }
        }
        String verb = w.cur();
        w.i++;
        try (Xfrm x = Xfrm.open(cli.registry, ns)) {
            if (Args.matches(verb, "add")) return policyModify(x, w, Xfrm.MSG_NEWPOLICY);
            if (Args.matches(verb, "update")) return policyModify(x, w, Xfrm.MSG_UPDPOLICY);
            if (Args.matches(verb, "delete")) return policyGetOrDelete(x, w, true);
            if (Args.matches(verb, "deleteall") || Args.matches(verb, "delall")) return policyList(x, w, true);
            if (Args.matches(verb, "list") || Args.matches(verb, "show") || Args.matches(verb, "lst")) return policyList(x, w, false);
            if (Args.matches(verb, "get")) return policyGetOrDelete(x, w, false);
            if (Args.matches(verb, "flush")) return policyFlush(x, w);
            if (Args.matches(verb, "count")) return policyCount(x);
            if (Args.matches(verb, "set") || Args.matches(verb, "setdefault") || Args.matches(verb, "getdefault")) {
                throw new UsageException("nslab: \"ip xfrm policy " + verb + "\" is not supported", 1);
            }
            if (Args.matches(verb, "help")) throw new UsageException(POLICY_USAGE);
        }
        throw new UsageException("Command \"" + verb + "\" is unknown, try \"ip xfrm policy help\".");
    }

    /** The printer, with the family the command line has come to (ip prints a selector's addresses in it). */
    private XfrmFormat format() { return new XfrmFormat(cli, ns, preferred); }

    private static int dir(String v) {
        return switch (v) {
            case "in" -> 0;
            case "out" -> 1;
            case "fwd" -> 2;
            default -> throw invarg("DIR value is invalid", v);
        };
    }

    private static int ptype(String v) {
        return switch (v) {
            case "main" -> 0;
            case "sub" -> 1;
            default -> throw invarg("PTYPE value is invalid", v);
        };
    }

    private static int policyFlags(Words w) {
        String v = w.cur();
        if (v.length() > 2 && v.startsWith("0x")) {
            Long n = Args.unsigned(v, 0xff);
            if (n == null) throw invarg("FLAG value is invalid", v);
            return n.intValue();
        }
        int flags = 0;
        while (true) {
            if (w.cur().equals("localok")) flags |= 1;
            else if (w.cur().equals("icmp")) flags |= 2;
            else {
                w.prev();
                break;
            }
            if (!w.nextOk()) break;
            w.next();
        }
        return flags;
    }

    private Xfrm.Template tmplParse(Words w) {
        int start = w.i, mode = 0, optional = 0, family = Family.codeOf(preferred);
        long reqid = 0;
        IdParse id = null;
        while (true) {
            String k = w.cur();
            if (k.equals("mode")) mode = mode(w.next());
            else if (k.equals("reqid")) reqid = u32(w.next(), "REQID value is invalid");
            else if (k.equals("level")) {
                String v = w.next();
                if (v.equals("required")) optional = 0;
                else if (v.equals("use")) optional = 1;
                else throw invarg("LEVEL value is invalid\n", v);
            } else {
                if (id != null) {
                    w.prev();
                    break;
                }
                preferred = null;
                id = idParse(w, false);
                if (id.family != 0) family = id.family;
                preferred = Family.of(family);
            }
            if (!w.nextOk()) break;
            w.next();
        }
        if (w.i == start) throw missarg("TMPL");
        return new Xfrm.Template(new Xfrm.Id(id == null ? new byte[16] : id.daddr, id == null ? 0 : id.spi, id == null ? 0 : id.proto),
                family, id == null ? new byte[16] : id.saddr, reqid, mode, 0, optional, -1, -1, -1);
    }

    private int policyModify(Xfrm x, Words w, int type) {
        x.execute(policyRequest(w, type));
        return 0;
    }

    private Xfrm.Request policyRequest(Words w, int type) {
        String dirp = null, selp = null, ptypep = null, sctxp = null;
        int dir = 0, action = 0, flags = 0, ptype = 0;
        long index = 0, priority = 0, ifId = 0;
        boolean ifIdSet = false;
        long[] mark = {0, 0};
        Xfrm.Selector sel = Xfrm.Selector.empty();
        Xfrm.Lifetime lft = Xfrm.Lifetime.unlimited();
        List<Xfrm.Template> tmpls = new ArrayList<>();
        String ctx = null;
        for (; w.more(); w.i++) {
            String k = w.cur();
            switch (k) {
                case "dir" -> {
                    if (dirp != null) throw duparg("dir", k);
                    dirp = k;
                    dir = dir(w.next());
                }
                case "ctx" -> {
                    if (sctxp != null) throw duparg("ctx", k);
                    sctxp = k;
                    ctx = w.next();
                }
                case "mark" -> mark = markParse(w);
                case "index" -> index = u32(w.next(), "INDEX value is invalid");
                case "ptype" -> {
                    if (ptypep != null) throw duparg("ptype", k);
                    ptypep = k;
                    ptype = ptype(w.next());
                }
                case "action" -> {
                    String v = w.next();
                    if (v.equals("allow")) action = 0;
                    else if (v.equals("block")) action = 1;
                    else throw invarg("ACTION value is invalid\n", v);
                }
                case "priority" -> priority = u32(w.next(), "PRIORITY value is invalid");
                case "flag" -> {
                    w.next();
                    flags = policyFlags(w);
                }
                case "limit" -> {
                    w.next();
                    lft = lifetime(w, lft);
                }
                case "tmpl" -> {
                    w.next();
                    tmpls.add(tmplParse(w));
                }
                case "if_id" -> {
                    ifId = u32(w.next(), "IF_ID value is invalid");
                    ifIdSet = true;
                }
                default -> {
                    if (selp != null) throw duparg("unknown", k);
                    selp = k;
                    sel = selectorParse(w);
                    if (preferred == null) preferred = Family.of(sel.family());
                }
            }
        }
        if (dirp == null) throw said("Not enough information: DIR is required.", 1);
        List<Xfrm.Attr> attrs = new ArrayList<>();
        if (ptypep != null) attrs.add(Xfrm.policyType(ptype));
        if (!tmpls.isEmpty()) attrs.add(Xfrm.templates(tmpls));
        if (mark[1] != 0) attrs.add(Xfrm.mark(Xfrm.A_MARK, mark[0], mark[1]));
        if (ctx != null) attrs.add(Xfrm.securityContext(ctx));
        if (ifIdSet) attrs.add(Xfrm.u32(Xfrm.A_IF_ID, ifId));
        if (sel.family() == 0) sel = withFamily(sel, AF_INET);
        return Xfrm.policyRequest(type, new Xfrm.PolicyInfo(sel, lft, priority, index, dir, action, flags, 0), attrs);
    }

    private static Xfrm.Selector withFamily(Xfrm.Selector s, int family) {
        return new Xfrm.Selector(family, s.daddr(), s.saddr(), s.dport(), s.dportMask(), s.sport(), s.sportMask(), s.prefixD(), s.prefixS(),
                s.proto(), s.ifindex(), s.user());
    }

    private int policyGetOrDelete(Xfrm x, Words w, boolean delete) {
        String dirp = null, selp = null, indexp = null, ptypep = null, sctxp = null;
        int dir = 0, ptype = 0;
        long index = 0, ifId = 0;
        boolean ifIdSet = false;
        long[] mark = {0, 0};
        String ctx = null;
        Xfrm.Selector sel = Xfrm.Selector.empty();
        for (; w.more(); w.i++) {
            String k = w.cur();
            switch (k) {
                case "dir" -> {
                    if (dirp != null) throw duparg("dir", k);
                    dirp = k;
                    dir = dir(w.next());
                }
                case "ctx" -> {
                    if (sctxp != null) throw duparg("ctx", k);
                    sctxp = k;
                    ctx = w.next();
                }
                case "mark" -> mark = markParse(w);
                case "index" -> {
                    if (indexp != null) throw duparg("index", k);
                    indexp = k;
                    index = u32(w.next(), "INDEX value is invalid");
                }
                case "ptype" -> {
                    if (ptypep != null) throw duparg("ptype", k);
                    ptypep = k;
                    ptype = ptype(w.next());
                }
                case "if_id" -> {
                    ifId = u32(w.next(), "IF_ID value is invalid");
                    ifIdSet = true;
                }
                default -> {
                    if (selp != null) throw invarg("unknown", k);
                    selp = k;
                    sel = selectorParse(w);
                    if (preferred == null) preferred = Family.of(sel.family());
                }
            }
        }
        if (dirp == null) throw said("Not enough information: DIR is required.", 1);
        List<Xfrm.Attr> attrs = new ArrayList<>();
        if (ptypep != null) attrs.add(Xfrm.policyType(ptype));
        if (selp == null && indexp == null) throw said("Not enough information: either SELECTOR or INDEX is required.", 1);
        if (selp != null && indexp != null) throw new UsageException("Error: either \"SELECTOR\" or \"INDEX\" is duplicate.");
        if (sel.family() == 0) sel = withFamily(sel, AF_INET);
        if ((mark[1] & mark[0]) != 0) attrs.add(Xfrm.mark(Xfrm.A_MARK, mark[0], mark[1]));
        if (ctx != null) attrs.add(Xfrm.securityContext(ctx));
        if (ifIdSet) attrs.add(Xfrm.u32(Xfrm.A_IF_ID, ifId));
        Xfrm.Request r = Xfrm.policyIdRequest(delete ? Xfrm.MSG_DELPOLICY : Xfrm.MSG_GETPOLICY, sel, index, dir, attrs);
        if (delete) {
            x.execute(r);
            return 0;
        }
        StringBuilder out = new StringBuilder();
        format().policy(out, x.getPolicy(r), null);
        cli.out.print(out);
        return 0;
    }

    /** What policy list and deleteall filter on. */
    private static final class PolicyFilter {
        boolean use, nosock;
        Family family;
        Integer dir, index, ptype, action, flags;
        Long priority;
        Xfrm.Selector sel;
        boolean selSrc, selDst, selDev, selProto, selSport, selDport;
    }

    private int policyList(Xfrm x, Words w, boolean deleteall) {
        PolicyFilter f = new PolicyFilter();
        f.use = w.more() || preferred != null;
        f.family = preferred;
        String selp = null;
        for (; w.more(); w.i++) {
            String k = w.cur();
            switch (k) {
                case "dir" -> f.dir = dir(w.next());
                case "index" -> f.index = (int) u32(w.next(), "INDEX value is invalid");
                case "ptype" -> f.ptype = ptype(w.next());
                case "action" -> {
                    String v = w.next();
                    if (v.equals("allow")) f.action = 0;
                    else if (v.equals("block")) f.action = 1;
                    else throw invarg("ACTION value is invalid\n", v);
                }
                case "priority" -> f.priority = u32(w.next(), "PRIORITY value is invalid");
                case "flag" -> {
                    w.next();
                    f.flags = policyFlags(w);
                }
                case "nosock" -> f.nosock = true;
                default -> {
                    if (selp != null) throw invarg("unknown", k);
                    selp = k;
                    int at = w.i;
                    f.sel = selectorParse(w);
                    // which parts the selector named, as the filter's masks record them
                    for (int j = at; j <= w.i; j++) {
                        String s = w.w.get(j);
                        if (s.equals("src")) f.selSrc = true;
                        if (s.equals("dst")) f.selDst = true;
                        if (s.equals("dev")) f.selDev = true;
                        if (s.equals("proto")) f.selProto = true;
                        if (s.equals("sport") || s.equals("type")) f.selSport = true;
                        if (s.equals("dport") || s.equals("code") || s.equals("key")) f.selDport = true;
                    }
                    if (preferred == null) preferred = Family.of(f.sel.family());
                    if (f.family == null) f.family = preferred;
                }
            }
        }
        if (deleteall) {
            // as ip: rounds until a dump finds none to delete; its request names no policy type (a sub policy is
            // not found by it) and a refused deletion ends the rounds, the others of its round done
            while (true) {
                List<Xfrm.Request> round = new ArrayList<>();
                for (Xfrm.Policy p : x.policies()) {
                    if (!matches(f, p) || p.info().dir() >= 3) continue;
                    Xfrm.PolicyInfo i = p.info();
                    List<Xfrm.Attr> attrs = new ArrayList<>();
                    if (p.attrs().has(Xfrm.A_MARK)) attrs.add(new Xfrm.Attr(Xfrm.A_MARK, p.attrs().bytes(Xfrm.A_MARK)));
                    if (p.attrs().has(Xfrm.A_IF_ID)) attrs.add(Xfrm.u32(Xfrm.A_IF_ID, p.attrs().u32(Xfrm.A_IF_ID)));
                    round.add(Xfrm.policyIdRequest(Xfrm.MSG_DELPOLICY, i.sel(), i.index(), i.dir(), attrs));
                }
                if (round.isEmpty()) return 0;
                refused(x.executeAll(round), "Failed to send delete-all request");
            }
        }
        StringBuilder out = new StringBuilder();
        XfrmFormat format = format();
        for (Xfrm.Policy p : x.policies()) if (matches(f, p)) format.policy(out, p, null);
        cli.out.print(out);
        return 0;
    }

    private static boolean matches(PolicyFilter f, Xfrm.Policy p) {
        if (!f.use) return true;
        Xfrm.PolicyInfo i = p.info();
        if (f.family != null && Family.codeOf(f.family) != i.sel().family()) return false;
        if (f.dir != null && f.dir != i.dir()) return false;
        if (f.nosock && i.dir() >= 3) return false;
        int ptype = p.attrs().has(Xfrm.A_POLICY_TYPE) ? Byte.toUnsignedInt(p.attrs().value(Xfrm.A_POLICY_TYPE).get(0)) : 0;
        if (f.ptype != null && f.ptype != ptype) return false;
        if (f.sel != null) {
            if (f.selSrc && f.sel.prefixS() > 0 && !prefixMatch(i.sel().saddr(), f.sel.saddr(), f.sel.prefixS())) return false;
            if (f.selDst && f.sel.prefixD() > 0 && !prefixMatch(i.sel().daddr(), f.sel.daddr(), f.sel.prefixD())) return false;
            if (f.selDev && f.sel.ifindex() != i.sel().ifindex()) return false;
            if (f.selProto && f.sel.proto() != i.sel().proto()) return false;
            if (f.selSport && f.sel.sport() != i.sel().sport()) return false;
            if (f.selDport && f.sel.dport() != i.sel().dport()) return false;
        }
        if (f.index != null && (f.index & 0xffffffffL) != i.index()) return false;
        if (f.action != null && f.action != i.action()) return false;
        if (f.priority != null && f.priority != i.priority()) return false;
        return f.flags == null || (i.flags() & f.flags) != 0;
    }

    private int policyFlush(Xfrm x, Words w) {
        String ptypep = null;
        int ptype = 0;
        for (; w.more(); w.i++) {
            if (w.cur().equals("ptype")) {
                if (ptypep != null) throw duparg("ptype", w.cur());
                ptypep = w.cur();
                ptype = ptype(w.next());
            } else throw invarg("unknown", w.cur());
        }
        x.execute(Xfrm.flushPolicyRequest(ptypep == null ? List.of() : List.of(Xfrm.policyType(ptype))));
        return 0;
    }

    private int policyCount(Xfrm x) {
        cli.out.print(format().spdInfo(x.info(Xfrm.MSG_GETSPDINFO)));
        return 0;
    }

    // ---- helpers of the filters and the formats -------------------------------------------------------------------



    static boolean prefixMatch(byte[] a, byte[] b, int bits) {
        for (int i = 0; i < bits; i++) {
            int m = 0x80 >> (i % 8);
            if ((a[i / 8] & m) != (b[i / 8] & m)) return false;
        }
        return true;
    }
}

package dev.nslab.cli;

import dev.nslab.net.KernelFeatures;
import dev.nslab.net.NsRef;

/**
 * {@code nslab l2tp ...} and {@code nslab fou ...}: objects ip keeps in a generic netlink family of their own that
 * nslab does not make yet. Where the kernel lacks the family (built without L2TP or FOU, as here), every command is
 * refused as ip refuses it, in its words and status, after ip's own usage checks; where the family exists, nslab says
 * it cannot do it rather than pretend.
 */
final class GenlObjectCmd extends NsCmd {
    private final String object;

    GenlObjectCmd(Cli cli, NsRef ns, String object) {
        super(cli, ns);
        this.object = object;
    }

    private static final String L2TP_USAGE = """
            Usage: ip l2tp add tunnel
                      remote ADDR local ADDR
                      tunnel_id ID peer_tunnel_id ID
                      [ encap { ip | udp } ]
                      [ udp_sport PORT ] [ udp_dport PORT ]
                      [ udp_csum { on | off } ]
                      [ udp6_csum_tx { on | off } ]
                      [ udp6_csum_rx { on | off } ]
            Usage: ip l2tp add session [ name NAME ]
                      tunnel_id ID
                      session_id ID peer_session_id ID
                      [ cookie HEXSTR ] [ peer_cookie HEXSTR ]
                      [ seq { none | send | recv | both } ]
                      [ l2spec_type L2SPEC ]
                   ip l2tp del tunnel tunnel_id ID
                   ip l2tp del session tunnel_id ID session_id ID
                   ip l2tp show tunnel [ tunnel_id ID ]
                   ip l2tp show session [ tunnel_id ID ] [ session_id ID ]

            Where: NAME   := STRING
                   ADDR   := { IP_ADDRESS | any }
                   PORT   := { 0..65535 }
                   ID     := { 1..4294967295 }
                   HEXSTR := { 8 or 16 hex digits (4 / 8 bytes) }
                   L2SPEC := { none | default }""";

    private static final String FOU_USAGE = """
            Usage: ip fou add port PORT { ipproto PROTO  | gue }
            		   [ local IFADDR ] [ peer IFADDR ]
            		   [ peer_port PORT ] [ dev IFNAME ]
                   ip fou del port PORT [ local IFADDR ]
            		   [ peer IFADDR ] [ peer_port PORT ]
            		   [ dev IFNAME ]
                   ip fou show

            Where: PROTO { ipproto-name | 1..255 }
                   PORT { 1..65535 }
                   IFADDR { addr }""";

    @Override
    int run(Args a) {
        String first = a.more() ? a.peek() : null;
        boolean l2tp = object.equals("l2tp");
        // ip l2tp shows its usage for no word or any prefix of "help"; ip fou for no word or "help" and its prefixes too
        if (first == null || Args.matches(first, "help")) throw new UsageException(l2tp ? L2TP_USAGE : FOU_USAGE);
        // families are the kernel's, the same from every namespace
        if (!KernelFeatures.hasGenlFamily(object)) {
            cli.out.flush();
            cli.err.println(KernelWords.noGenlFamily(dev.nslab.error.Errno.ENOENT));
            return 1;
        }
        throw new UsageException("nslab: \"ip " + object + "\" is not supported yet (this kernel has its " + object
                + " family; nslab does not make " + (l2tp ? "L2TP tunnels and sessions" : "FOU ports") + ")", 1);
    }
}

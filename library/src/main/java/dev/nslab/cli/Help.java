package dev.nslab.cli;

import java.io.PrintStream;

/** The --help texts. Kept next to the commands they describe and in step with docs/cli.md. */
final class Help {
    private Help() {}

    static final String VERSION = "0.1.0";

    /** The commit the jar was built from (its manifest's Nslab-Commit), "unknown" outside a built jar. */
    static String commit() {
        try {
            java.nio.file.Path jar = java.nio.file.Path.of(Help.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!java.nio.file.Files.isRegularFile(jar)) return "unknown";
            try (var f = new java.util.jar.JarFile(jar.toFile())) {
                String c = f.getManifest() == null ? null : f.getManifest().getMainAttributes().getValue("Nslab-Commit");
                return c == null || c.isBlank() ? "unknown" : c;
            }
        } catch (java.io.IOException | java.net.URISyntaxException | RuntimeException e) {
            return "unknown";
        }
    }

    static void top(PrintStream o) {
        o.print("""
                Usage: nslab [ OPTIONS ] OBJECT { COMMAND | help }
                       nslab [ -force ] -batch FILENAME
                       nslab { up FILE [--dry-run] [--verify] [--allow-host] | down FILE|LAB|--all | status [LAB] | ls | verify FILE|LAB
                               | exec LAB NODE -- CMD }
                       nslab { impair LAB NODE:IFACE [--rate R] [--delay D] [--loss P%]... | cut|mend LAB NODE:IFACE
                               | partition LAB GROUP GROUP... | heal LAB }
                       nslab inventory [--find IFNAME|PID|INODE] | graph [LAB|FILE|--system] [--format dot|mermaid|json|svg]
                       nslab ui [LAB...] [--listen ADDR:PORT] [--public]   (the live lab page in a browser; prints its URL)
                       nslab helper { start | stop | status [-j] }   (a resident JVM for commands typed one at a time;
                                                                     root's starts by itself, NSLAB_HELPER=off: never)
                       nslab rootless [-- COMMAND [ARG...]]   (a normal user: COMMAND, or a shell, in the user's own
                                                               namespaces, where every nslab command of the user runs)
                where  OBJECT := { link | address | maddress | route | rule | neighbour | netns | netconf | nexthop | tuntap | tunnel
                                   | vrf | addrlabel | token | mptcp | sr | xfrm | tcp_metrics | l2tp | fou | sysctl
                                   | monitor | ntable | unshare | ping | ovs }
                       OPTIONS := { -n[etns] NAME | -j[son] | -p[retty] | -br[ief] | -s[tatistics] | -h[uman-readable] |
                                    -iec | -o[neline] | -a[ll] | -4 | -6 | -M | -f[amily] inet|inet6|mpls | -force | -b[atch] FILE |
                                    -c[olor] | -V[ersion] }

                A Java toolkit for Linux network namespaces that speaks iproute2's grammar:
                  nslab netns add ns1                          nslab link add veth0 type veth peer name veth1
                  nslab link set veth1 netns ns1               nslab -n ns1 address add 10.0.0.2/24 dev veth1
                  nslab -n ns1 link set veth1 up               nslab -n ns1 route add default via 10.0.0.1
                  nslab -n ns1 sysctl -w net.ipv4.ip_forward=1 nslab -n ns1 ping -c 2 10.0.0.1
                  nslab netns exec ns1 bash                    nslab unshare -- bash
                  nslab ovs add-br OVS-1                       nslab ovs add-port OVS-1 veth-ns1 tag=100
                -batch FILE runs one command per line (without "nslab"); a line may start with "-n NETNS".
                Try "nslab OBJECT help" for the commands of an object.
                """);
    }

    static void ui(PrintStream o) {
        o.print("""
                Usage: nslab ui [LAB...] [--listen ADDR:PORT] [--public] [--period MS] [-j] [--state-dir DIR]
                Serves the live page of the running labs (or only the LABs named, as they come and go) and prints its
                address first, with the session token that every API request and terminal needs; runs until
                interrupted. The page draws each lab's nodes and links, and shows, sampled from the kernel every
                --period (1000 ms): link state (up, down, cut, impaired), throughput, packets and drops; node health and
                services; faults. From the page: cut and mend a link, impair an end, partition and heal, verify, open a
                terminal in a node. Its JSON API is under /api/ (docs/ui.md).
                  --listen ADDR:PORT  where to listen (default 127.0.0.1:7979, or the next free port up to 7999;
                                      port 0: any free port)
                  --public            allow an address that is not loopback
                  -j                  print {"url": ..., "token": ...} instead of the address alone
                """);
    }

    static void link(PrintStream o) {
        o.print("""
                Usage: nslab link add [name] NAME [mtu MTU] [address LLADDR] [netns {NETNS|PID}]
                                      [link DEV] type { veth peer [name] PEER [netns {NETNS|PID}] | bridge [BRIDGE_SETTING VALUE]...
                                                        | macvlan|macvtap [mode MODE] | vxlan id VNI [remote|group ADDR]
                                                          [local ADDR] [dev DEV] [dstport PORT] [ttl N] [tos TOS] [df DF]
                                                          [srcport MIN MAX] [ageing S] [[no]learning] ... (ip's every one) }
                       nslab link set [dev] DEV { up | down | netns {NETNS|PID} | master BRIDGE | nomaster
                                                 | name NEWNAME | mtu MTU | address LLADDR | alias TEXT
                                                 | { promisc | arp | multicast | allmulticast } { on | off }
                                                 | txqueuelen N | group GROUP | SETTING VALUE } ... [type bridge [BRIDGE_SETTING VALUE]...
                                                 | type bridge_slave [PORT_SETTING VALUE]...
                                                 | type macvlan|macvtap mode MODE | type vxlan OPTION...]
                SETTING: numtxqueues numrxqueues (add) gso_max_size gso_max_segs gro_max_size addrgenmode carrier mode state protodown
                PORT_SETTING: fdb_flush state priority cost hairpin guard root_block fastleave learning flood mcast_flood
                              bcast_flood mcast_to_unicast proxy_arp proxy_arp_wifi mcast_router mcast_fast_leave
                              neigh_suppress group_fwd_mask vlan_tunnel isolated locked backup_port nobackup_port
                BRIDGE_SETTING: forward_delay hello_time max_age ageing_time stp_state priority vlan_filtering vlan_protocol
                                group_fwd_mask vlan_default_pvid vlan_stats_enabled mcast_router mcast_snooping
                                mcast_query_use_ifaddr mcast_querier mcast_stats_enabled mcast_igmp_version mcast_mld_version
                                nf_call_iptables nf_call_ip6tables nf_call_arptables (times in hundredths of a second)
                       nslab link property { add | del } [dev] DEV altname NAME...
                       nslab link delete [dev] DEV
                       nslab link show [[dev] DEV]
                       nslab link xstats type bridge|bridge_slave [igmp|stp] [dev DEV]
                """);
    }

    static void address(PrintStream o) {
        o.print("""
                Usage: nslab address { add | change | replace | del } IFADDR/PREFIX [peer PEER] dev IFNAME [nodad] [noprefixroute]
                                [brd { ADDR | + | - }] [label NAME] [scope SCOPE] [valid_lft LFT] [preferred_lft LFT]
                                [anycast ADDR] [metric N] [home] [mngtmpaddr] [optimistic] [autojoin]
                       nslab address [ show [[dev] IFNAME] [label PATTERN] [scope SCOPE] [permanent | dynamic] [to PREFIX] ]
                       nslab address flush [dev IFNAME] [scope SCOPE] [label NAME] [to PREFIX]
                       nslab address save [dev IFNAME] > FILE      nslab address { restore | showdump } < FILE
                IPv4 and IPv6; -4 or -6 limits show, flush and save to one family. save writes iproute2's binary
                format (ip address restore reads it, and nslab reads ip's); restore adds back what is not there.
                """);
    }

    static void route(PrintStream o) {
        o.print("""
                Usage: nslab route { add | del | replace | change | append | prepend } [TYPE] { PREFIX | default }
                                   [via ADDRESS] [dev IFNAME] [metric N] [table TABLE] [proto PROTO] [scope SCOPE]
                                   [src ADDRESS] [onlink] [mtu N] [nexthop via ADDRESS [dev IFNAME] [weight N]]...
                       nslab route [ show | flush ] [[to] [root | match | exact] PREFIX | default] [via ADDRESS]
                                   [dev IFNAME] [table TABLE] [proto PROTO] [scope SCOPE] [type TYPE]
                       nslab route get [fibmatch] [to] ADDRESS [from ADDRESS] [iif DEV] [oif DEV] [mark MARK] [tos TOS]
                                       [uid UID] [ipproto PROTO] [sport PORT] [dport PORT] [connected]
                       nslab route save SELECTOR > FILE        nslab route { restore | showdump } < FILE
                TYPE: unicast, local, broadcast, multicast, blackhole, unreachable, prohibit, throw; TABLE: main,
                local, default, a name of /etc/iproute2/rt_tables, all or a number; PROTO: a name of
                /etc/iproute2/rt_protos (static, ospf...) or a number; SCOPE: global, link, host or a number. Shows
                and flushes the main table (or the one named), IPv4 unless -6; flush -s says how many went. get: the
                route the kernel takes to ADDRESS. save: show's routes in iproute2's binary format (either tool
                restores it); restore adds them back, local ones first, those through gateways last.
                """);
    }

    static void rule(PrintStream o) {
        o.print("""
                Usage: nslab rule { add | del } [not] [from PREFIX|all] [to PREFIX|all] [tos TOS] [fwmark MARK[/MASK]]
                                  [iif IFNAME] [oif IFNAME] [pref N] [l3mdev] [uidrange START-END] [ipproto PROTO]
                                  [sport N[-M]] [dport N[-M]] [realms [FROM/]TO] [protocol P]
                                  [table|lookup TABLE [suppress_prefixlength N] [suppress_ifgroup GROUP]]
                                  [[type] unicast|blackhole|unreachable|prohibit | goto PRIORITY | nop]
                       nslab rule [ show | flush ] [ SELECTOR ]...
                Policy routing rules (TABLE: main, local, default or a number); -6 for IPv6. SELECTOR: pref, not,
                tos, fwmark, iif/dev, oif, l3mdev, uidrange, table/lookup, from, to, ipproto, sport, dport, protocol.
                """);
    }

    static void netns(PrintStream o) {
        o.print("""
                Usage: nslab netns list
                       nslab netns add NAME
                       nslab netns attach NAME PID
                       nslab netns set NAME NETNSID        (NETNSID: a number or "auto")
                       nslab [-all] netns delete [NAME]
                       nslab netns identify [PID]
                       nslab netns pids NAME
                       nslab [-all] netns exec [NAME] cmd ...
                       nslab netns monitor
                       nslab netns list-id
                Namespaces live in /run/netns, shared with iproute2's "ip netns".
                """);
    }

    static void neigh(PrintStream o) {
        o.print("""
                Usage: nslab neighbour { add | del | change | replace } ADDR [ lladdr LLADDR ] [ nud STATE ] [ router ]
                                         [ use ] [ extern_learn ] [ protocol PROTO ] dev DEV
                       nslab neighbour { add | del } proxy ADDR dev DEV
                       nslab neighbour get ADDR dev DEV
                       nslab neighbour { show | flush } [ proxy ] [ unused ] [ [dev] DEV ] [ nud STATE | nud all ]
                STATE := { permanent | noarp | stale | reachable | none | incomplete | delay | probe | failed }
                The neighbour (ARP / NDP) table of the namespace, as ip neigh; -s shows each entry's use (ref, used,
                confirmed and updated seconds ago, probes) and says flush's rounds, -s -s shows what flush removes.
                """);
    }

    static void sysctl(PrintStream o) {
        o.print("""
                Usage: nslab [-n NETNS] sysctl [OPTIONS] [KEY[=VALUE]...]
                sysctl(8) inside the namespace: reads KEY, writes KEY=VALUE (net.ipv4.ip_forward, net/ipv4/ip_forward).
                  -a, --all            every parameter (-A, -X: the same)    --deprecated  also the deprecated ones
                  -n, --values         values only          -b, --binary    values without their newlines
                  -N, --names          names only           -q, --quiet     say nothing of what is written
                  -e, --ignore         unknown keys are no error             -w, --write   every KEY=VALUE is written
                  -r, --pattern REGEX  only the names REGEX matches (extended regular expression)
                  -p[FILE], --load[=FILE] [FILE...]   the settings of FILEs (default /etc/sysctl.conf; -: standard input)
                                       KEY = VALUE, -KEY = VALUE (its failure ignored), -KEY (left out of a glob's keys)
                      --system         the .conf files of /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d,
                                       /usr/lib/sysctl.d and /lib/sysctl.d by name, then /etc/sysctl.conf
                      --dry-run        say what would be written, write nothing
                Files under /etc are the namespace's own where /etc/netns/NETNS has them (as with ip netns exec).
                Each item on its own: a failed one is said in sysctl's words and the rest goes on; the statuses are sysctl's.
                """);
    }

    static void unshare(PrintStream o) {
        o.print("""
                Usage: nslab unshare [--net] [--] [CMD [ARG...]]
                Runs CMD (default: $SHELL) in a fresh, anonymous network namespace that disappears with it.
                """);
    }

    static void ping(PrintStream o) {
        o.print("""
                Usage: nslab [-n NETNS] ping [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-w DEADLINE] [-q] [-4|-6] DEST
                ICMP echo from inside the namespace. Exit 0 if a reply came, 1 if none, 2 on error.
                With -w, ping sends until COUNT replies came or DEADLINE seconds passed (fewer than COUNT: exit 1).
                """);
    }

    static void ovs(PrintStream o) {
        o.print("""
                Usage: nslab ovs [--no-wait] [--timeout=SECS] [--oneline] [-v] [-j] COMMAND [ARG...] [-- COMMAND [ARG...]]...
                       nslab ovs --version          the Open vSwitch installed and its database schema, as ovs-vsctl -V
                Open vSwitch through its database socket, with ovs-vsctl's words. Commands joined by "--" are one
                transaction; a change returns once ovs-vswitchd has applied it (--no-wait: at once).
                  [--may-exist] add-br BRIDGE [PARENT VLAN]   (with PARENT: a fake bridge, PARENT's ports tagged VLAN)
                  [--if-exists] del-br BRIDGE          [--real|--fake] list-br    br-exists BRIDGE (exit 2 if not)
                  br-to-vlan BRIDGE                    br-to-parent BRIDGE
                  [--may-exist] add-port BRIDGE PORT [tag=N] [trunks=N,M] [vlan_mode=MODE]
                  [--may-exist] [--fake-iface] add-bond BRIDGE PORT IFACE IFACE... [tag=N] [bond_mode=MODE] [lacp=L]
                  [--if-exists] del-port [BRIDGE] PORT list-ports BRIDGE        port-to-br PORT
                  list-ifaces BRIDGE                   iface-to-br IFACE
                  set port PORT tag=N | trunks=N,M | vlan_mode=access|trunk|native-tagged|native-untagged
                                | bond_mode=active-backup|balance-slb|balance-tcp | lacp=active|passive|off
                  set bridge BRIDGE datapath_type=netdev|system | stp_enable=true|false | protocols=OpenFlow13,...
                                    | rstp_enable=B | mcast_snooping_enable=B             show
                  [--if-exists] set TABLE RECORD COL[:KEY]=VALUE...   any column of any table, in the
                                                       database's notation (ingress_policing_rate=1000, other-config:K=V)
                  [--if-exists] add|remove TABLE RECORD COL VALUE...  [--if-exists] clear TABLE RECORD COL...
                  [--id=@NAME] create TABLE COL[:KEY]=VALUE...   (prints the new row's UUID; @NAME is the row elsewhere
                                                       in the line: set port P qos=@q -- --id=@q create qos ...)
                  [--if-exists] destroy TABLE RECORD... | --all destroy TABLE
                  [--bootstrap] set-ssl KEY CERT CA    get-ssl    del-ssl      comment [ARG...] (does nothing)
                  set-manager TARGET...  get-manager  del-manager   emer-reset (managers, controllers, SSL, mirrors,
                                                       NetFlow, sFlow, IPFIX and other_config gone, as ovs-vsctl)
                  [--columns=C,...] list TABLE [RECORD...]   [--columns=C,...] find TABLE [COL[:KEY]=VALUE]...
                  [--id=@NAME] get TABLE RECORD [COL[:KEY]...]  (--bare: values only; --format=list|csv|table|html|json)
                  br-set-external-id BRIDGE KEY [VALUE]  br-get-external-id BRIDGE [KEY]
                  wait-until TABLE RECORD [COL[:KEY]=VALUE]...   until the record is there and each holds
                                                       (for ever, or --timeout=SECS: then status 142, as ovs-vsctl)
                  start | stop | status                Open vSwitch's daemons at their standard locations
                Without the openvswitch kernel module, new bridges use the userspace datapath (netdev); ports joining
                such a bridge get TX checksum offload turned off on their veth pair, so TCP works (-v says where).
                When no ovsdb-server answers at /var/run/openvswitch/db.sock, nslab starts Open vSwitch itself.
                """);
    }

    static void lab(PrintStream o) {
        o.print("""
                Usage: nslab up FILE [--dry-run] [--verify] [--allow-host] [--node-filter N1,N2] [-j]
                                                           build the lab FILE describes, or bring it to what FILE now says;
                                                           --node-filter: only those nodes and the links between them;
                                                           --allow-host: let the file have what it asks of the machine
                                                           beyond its confined nodes (commands on the machine, writable
                                                           binds, the machine's bridges and interfaces, tunnels out),
                                                           which up lists and refuses otherwise (--dry-run shows it);
                                                           --name LAB: the lab's name instead of the file's (the other
                                                           verbs then take LAB, or FILE --name LAB)
                       nslab down FILE|LAB | --all [--strict] [-j]
                                                           end the processes living in the lab's namespaces, then remove
                                                           everything the lab created (and nothing else); a lab that is
                                                           not there is no mistake (--strict: exit 1)
                       nslab down FILE|LAB --node-filter N1,N2
                                                           remove only those nodes (and their links)
                       nslab down --stale                  remove labs of Java programs (NetLab) that are gone
                       nslab status [LAB] [-j]  |  nslab ls   labs, their nodes, addresses and health: whether the kernel
                                                           holds what the lab made (exit 1 if not, naming each difference)
                       nslab exec LAB NODE [-d] -- CMD [ARG...]
                                                           run a command inside a node; -d: in the background, owned by
                                                           the lab (its output in the state directory, ended by down)
                       nslab exec LAB --all | --label KEY=VALUE [-j] -- CMD [ARG...]
                                                           in every linux node (with that label), one after the other
                       nslab logs LAB NODE [SERVICE] [-f]  the output of a node's services, of what exec -d started
                                                           there and of its container (-f: follow it)
                       nslab verify FILE|LAB [--sample N] [--junit FILE] [-j]
                                                            ping every address each node really has from every other
                                                            node; compare with the prediction (the file's, else the
                                                            kernel's tables as the lab came up: a break is named by the
                                                            hop where it stops today) and "expect" (exit 0 only when
                                                            something was judged, all of it agrees and every pair could
                                                            be measured; 1: something disagrees; 3: something could
                                                            not be measured, or nothing was judged); --sample N: N pairs
                                                            at random; --junit FILE: the report as JUnit XML
                                                            nslab up --verify FILE
                containerlab's words work too: deploy -t FILE (up), destroy -t FILE [--cleanup] (down), inspect [-t FILE]
                [--format json] (status), graph -t FILE; up and deploy without a file take the single *.clab.yml here.
                Options: --state-dir DIR (default /run/nslab, or $NSLAB_STATE_DIR)
                Before anything is created, up checks the lab against the kernel's limits: it refuses what cannot work
                (a Linux bridge of more than 1,024 ports) at file:line, and raises the shared neighbour table
                (net.ipv4/ipv6.neigh.default.gc_thresh2/3) when the lab needs more, restoring it when the last lab that
                needed it goes down.
                FILE is YAML or JSON in containerlab's format (defaults, kinds and groups inherited as containerlab does);
                nodes of kind linux (a namespace), host (the machine), bridge (a Linux bridge in its own namespace, or
                the existing one of that name in the root namespace, used and never deleted) and ovs-bridge (Open
                vSwitch); network-mode host|container:NODE|none; links: veth pairs ("vlan: N" tags a switch end), host,
                mgmt-net, macvlan, vxlan and dummy (where the kernel has them); mgmt: or mgmt-ipv4 makes a management
                network (a bridge in the root namespace holding the gateway, each node's eth0 on it).
                nslab's own keys: prefix, interfaces (addresses), routes, forwarding, services, expect; containerlab's env and
                binds apply to exec lines, services and nslab exec. A linux node with image: runs as a container of podman
                or Docker ($NSLAB_ENGINE=podman|docker; without it podman where installed, else Docker). See docs/labs.md.
                """);
    }

    static void faults(PrintStream o) {
        o.print("""
                Usage: nslab impair LAB NODE:IFACE [--rate R] [--delay D] [--jitter J] [--loss P%] [--duplicate P%] [--corrupt P%]
                                                      what the end sends: limited to R (10mbit, 1gbit, 500kbit), delayed by
                                                      D +- J (40ms, 5ms), lost, duplicated or corrupted with probability P;
                                                      the options given replace the end's impairment
                       nslab impair LAB [NODE:IFACE] --clear
                                                      run-time impairments end: back to what the file declares on
                                                      that end (without one: on every end of the lab)
                       nslab cut LAB NODE:IFACE       the cable of that end goes down (both ends)
                       nslab mend LAB NODE:IFACE      and up again, with its addresses and routes
                       nslab partition LAB GROUP GROUP...
                                                      a group is NODE,NODE,...; the nodes not named form one more group;
                                                      packets between nodes of different groups are dropped inside the
                                                      nodes (an nftables table nslab-LAB in each); replaces a partition
                       nslab heal LAB                 ends the partition
                Options: -v (say what was made and how), -j, --state-dir DIR
                Kept in the lab's state: shown by status, kept by a second up, undone by down. verify predicts cut cables
                and partitions as unreachable, with the reason. Rate uses tbf; loss, nftables' random numbers where the
                cable's other end receives; delay, jitter, duplicate and corrupt need netem (CONFIG_NET_SCH_NETEM), which then does it
                all: without it they are refused before anything changes. In a lab file: "impairments:" on a link.
                """);
    }

    static void inventory(PrintStream o) {
        o.print("""
                Usage: nslab inventory [-j] [--find IFNAME|PID|INODE]
                       nslab graph [LAB|FILE|--system] [--format dot|mermaid|json|svg] [-o FILE]
                inventory: every network namespace on the machine (named under /run/netns, of any process or thread,
                held by an open descriptor or a bind mount elsewhere), each once by inode, with its names, nsid,
                processes and interfaces (kind, state, MAC, MTU, addresses, master, veth peer resolved to its
                namespace, Open vSwitch bridge and tag). --find says where an interface, process or inode lives.
                graph: a lab (from its file) or the whole machine (--system, the default without LAB) as Graphviz DOT,
                Mermaid or JSON; svg runs Graphviz's dot (scripts/setup installs it).
                """);
    }
}

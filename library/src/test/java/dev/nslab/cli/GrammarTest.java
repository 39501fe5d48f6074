package dev.nslab.cli;

import dev.nslab.net.Namespaces;
import dev.nslab.net.NetHandle;
import dev.nslab.testkit.ScriptedKernel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The iproute2 grammar, without privileges and without the kernel: the command line runs over a scripted kernel
 * ({@link ScriptedKernel}: interface va is index 3, br0 index 4) and the request it makes is compared with the one
 * ip 6.1 makes for the same words (read off strace, as in {@code net.MessagesTest}); refused words are refused with
 * iproute2's wording and status, before anything is sent.
 */
@Tag("unit")
class GrammarTest {
    private record Run(int status, String out, String err, ScriptedKernel kernel) { }

    private static Run run(String line) {
        ScriptedKernel kernel = new ScriptedKernel().link("va", 3, true).link("vb", 5, false).link("br0", 4, true);
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        Namespaces registry = new Namespaces(Path.of("/nonexistent-nslab-netns"));
        Cli cli = new Cli(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8), registry,
                ns -> NetHandle.over(kernel, registry, ns));
        int status = cli.run(Words.split(line).toArray(String[]::new));
        return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8), kernel);
    }

    @ParameterizedTest(name = "nslab {0}")
    @CsvSource(delimiter = '|', textBlock = """
            link add vc type veth peer name vd              | 16 | 0x600 | 0000000000000000000000000000000007000300766300002c0012000800010076657468200002001c000100000000000000000000000000000000000700030076640000
            link add br1 type bridge                        | 16 | 0x600 | 000000000000000000000000000000000800030062723100100012000a0001006272696467650000
            address add 10.1.2.4/24 dev va                  | 20 | 0x600 | 0218000003000000080002000a010204080001000a010204
            addr add fd00::1/64 dev va nodad                | 20 | 0x600 | 0a4002000300000014000200fd00000000000000000000000000000114000100fd000000000000000000000000000001
            a del 10.1.2.3/24 dev va                        | 21 | 0x0   | 0218000003000000080002000a010203080001000a010203
            route add 10.9.0.0/16 via 10.1.2.1              | 24 | 0x600 | 02100000fe03000100000000080001000a090000080005000a010201
            route add 10.8.0.0/16 dev va                    | 24 | 0x600 | 02100000fe03fd0100000000080001000a0800000800040003000000
            r del 10.8.0.0/16 dev va                        | 25 | 0x0   | 02100000fe00ff0000000000080001000a0800000800040003000000
            neigh add 10.1.2.9 lladdr 02:00:00:00:00:01 nud permanent dev va | 28 | 0x600 | 020000000300000080000000080001000a0102090a0002000200000000010000
            rule add from 10.0.0.0/8 table 100 pref 100     | 32 | 0x600 | 020008006400000100000000080002000a0000000800060064000000
            """)
    void aCommandMakesTheRequestIpMakes(String line, int type, String flags, String body) {
        Run r = run(line.strip());
        assertEquals(0, r.status(), r.err());
        List<ScriptedKernel.Sent> changes = r.kernel().changes();
        assertEquals(1, changes.size(), "one request: " + changes);
        assertEquals(new ScriptedKernel.Sent(type, Integer.decode(flags), body), changes.getFirst());
    }

    /** {@code link set} by name: ip looks the index up first; nslab names the device in the request (the kernel takes both). */
    @ParameterizedTest(name = "nslab {0}")
    @CsvSource(delimiter = '|', textBlock = """
            link set va down       | 000000000000000000000000010000000700030076610000
            link set dev va up     | 000000000000000001000000010000000700030076610000
            link set va mtu 1400   | 0000000000000000000000000000000007000300766100000800040078050000
            link set va alias x    | 0000000000000000000000000000000007000300766100000500140078000000
            """)
    void setNamesItsDevice(String line, String body) {
        Run r = run(line.strip());
        assertEquals(0, r.status(), r.err());
        assertEquals(16, r.kernel().changes().getFirst().type());
        assertEquals(body.strip(), r.kernel().changes().getFirst().body());
    }

    /** Words ip refuses are refused as ip refuses them, with ip's status (255 for a bad command line, 1 for some), sending nothing. */
    @ParameterizedTest(name = "nslab {0}")
    @CsvSource(delimiter = '|', textBlock = """
            address add 10.1.2.3/24                  | 255 | Not enough information: "dev" argument is required.
            address add dev va                       | 255 | Not enough information: an address like 10.0.0.1/24 is required.
            address add 10.1.2.300/24 dev va         | 1   | Error: any valid prefix is expected rather than "10.1.2.300/24".
            address add fd00::1/64 brd + dev va      | 255 | Error: broadcast can be set only for IPv4 addresses.
            link add va                              | 255 | Not enough information: "type" argument is required
            link add va type veth                    | 255 | Not enough information: a veth needs "peer name PEER".
            link set va mtu lots                     | 255 | Error: argument "lots" is wrong: Invalid "mtu" value
            link set va                              | 255 | Not enough information: nothing to set on "va"
            route add 10.0.0.0/8                     | 255 | Not enough information: a route needs "via GATEWAY" or "dev DEV".
            route add 10.0.0.0/8 via fd00::1         | 255 | Error: the gateway fd00::1 is not of the same family as 10.0.0.0/8.
            frobnicate                               | 255 | Object "frobnicate" is unknown, try "nslab help".
            link frob                                | 255 | Command "frob" is unknown, try "nslab link help".
            neigh add 10.1.2.9 dev                   | 255 | Command line is not complete. Try option "help"
            """)
    void badWordsAreRefusedAsIpRefusesThem(String line, int status, String message) {
        Run r = run(line.strip());
        assertEquals(status, r.status(), r.err());
        assertTrue(r.err().contains(message.strip()), "\"" + message.strip() + "\" in: " + r.err());
        assertEquals(List.of(), r.kernel().changes(), "nothing sent");
    }

    /** A device the kernel does not know: ip's message and status (the kernel's refusal, over rtnetlink). */
    @ParameterizedTest(name = "nslab {0}")
    @CsvSource(delimiter = '|', textBlock = """
            address add 10.1.2.3/24 dev nosuch | Cannot find device "nosuch"
            link set nosuch up                 | Cannot find device "nosuch"
            """)
    void anUnknownDeviceIsNamed(String line, String message) {
        Run r = run(line.strip());
        assertTrue(r.err().contains(message.strip()), r.err());
        assertTrue(r.status() != 0);
    }

    @org.junit.jupiter.api.Test
    void showListsTheKernelsLinks() {
        Run r = run("-br link show");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().matches("(?s)lo\\s+UNKNOWN.*va\\s+.*br0.*"), r.out());
        Run j = run("-j link show va");
        assertTrue(j.out().contains("\"ifname\":\"va\"") && j.out().contains("\"mtu\":1500"), j.out());
    }
}

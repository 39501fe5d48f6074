package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.NsRef;
import dev.nslab.net.Seg6;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nslab sr tunsrc show|set ADDRESS} and {@code nslab sr hmac show}: a namespace's SRv6 settings, as ip sr
 * (iproute2 6.1) reads and sets them, in its words and statuses. {@code hmac set} is not here: ip reads its secret
 * from the terminal.
 */
final class SrCmd extends NsCmd {
    SrCmd(Cli cli, NsRef ns) { super(cli, ns); }

    private static final String USAGE = """
            Usage: ip sr { COMMAND | help }
                      ip sr hmac show
                      ip sr hmac set KEYID ALGO
                      ip sr tunsrc show
                      ip sr tunsrc set ADDRESS
            where  ALGO := { sha1 | sha256 }""";

    @Override
    int run(Args a) {
        if (!a.more() || Args.matches(a.peek(), "help")) throw new UsageException(USAGE);
        String object = a.next();
        if (Args.matches(object, "hmac")) {
            String verb = a.value(null);
            if (Args.matches(verb, "show")) return hmacShow();
            if (Args.matches(verb, "set")) {
                throw new UsageException("nslab: \"ip sr hmac set\" is not supported: ip reads the key's secret from the terminal", 1);
            }
            throw invarg("unknown", verb);
        }
        if (Args.matches(object, "tunsrc")) {
            String verb = a.value(null);
            if (Args.matches(verb, "show")) return tunsrcShow();
            if (Args.matches(verb, "set")) return tunsrcSet(a.value(null));
            throw invarg("unknown", verb);
        }
        throw invarg("unknown", object);
    }

    private static UsageException invarg(String why, String word) {
        return new UsageException("Error: argument \"" + word + "\" is wrong: " + why);
    }

    private int tunsrcSet(String word) {
        InetAddress address;
        if (word.equals("any") || word.equals("all") || word.equals("default")) {
            address = InetAddress.ofLiteral("::");
        } else {
            address = AddressWords.getAddr(word, Family.INET6);
        }
        try (Seg6 s = KernelWords.genlFamily(cli, () -> Seg6.open(cli.registry, ns))) {
            if (s == null) return 1;
            try {
                s.setTunnelSource(address);
            } catch (KernelException e) {
                cli.out.flush();
                cli.err.println(KernelWords.asIp(e));
                return 1; // ip's seg6_do_cmd gives up with -1 here
            }
        }
        return 0;
    }

    private int tunsrcShow() {
        try (Seg6 s = KernelWords.genlFamily(cli, () -> Seg6.open(cli.registry, ns))) {
            if (s == null) return 1;
            String a = Cidr.format(s.tunnelSource());
            if (cli.json) cli.printJson(List.of(Map.of("tunsrc", a)));
            else cli.out.println("tunsrc addr " + a);
        }
        return 0;
    }

    private int hmacShow() {
        try (Seg6 s = KernelWords.genlFamily(cli, () -> Seg6.open(cli.registry, ns))) {
            if (s == null) return 1;
            List<Seg6.HmacKey> keys;
            try {
                keys = s.hmacKeys();
            } catch (KernelException e) {
                // a kernel without SRv6 HMAC refuses the dump (ENOTSUPP, 524); ip has opened its JSON array by then
                if (cli.json) cli.out.print("[");
                cli.out.flush();
                cli.err.println(KernelWords.asIp(e)); // the dump's refusal, then "Dump terminated"
                return 1;
            }
            List<Object> json = new ArrayList<>();
            StringBuilder sb = new StringBuilder();
            for (Seg6.HmacKey k : keys) {
                String algo = k.algorithm() == Seg6.ALGO_SHA1 ? "sha1" : k.algorithm() == Seg6.ALGO_SHA256 ? "sha256" : "<unknown>";
                String secret = new String(k.secret(), 0, Math.min(63, k.secret().length), StandardCharsets.ISO_8859_1);
                int nul = secret.indexOf('\0');
                if (nul >= 0) secret = secret.substring(0, nul); // ip prints it as a C string
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("hmac", k.id());
                m.put("algo", algo);
                m.put("secret", secret);
                json.add(m);
                sb.append("hmac ").append(k.id()).append(" algo ").append(algo).append(" secret \"").append(secret).append("\"\n");
            }
            if (cli.json) cli.printJson(json);
            else cli.out.print(sb);
        }
        return 0;
    }
}

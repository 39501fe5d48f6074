package dev.nslab.lab.apply;

import dev.nslab.engine.Engine;
import dev.nslab.lab.model.Topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A router of containerlab's {@code kind: frr}: its /etc/frr made of three files bound over the image's — frr.conf
 * (the startup-config, or a minimal one naming the host), daemons (the daemons asked for switched on, every one when
 * none is named) and vtysh.conf (one integrated configuration, as FRR ships it).
 */
final class FrrFiles {
    private FrrFiles() {}

    static List<Engine.Bind> write(Topology.FrrDef frr, String hostname, Path dir) throws IOException {
        Files.createDirectories(dir);
        String config = frr.startupConfig() != null ? Files.readString(Path.of(frr.startupConfig()))
                : "frr defaults traditional\nhostname " + hostname + "\nservice integrated-vtysh-config\n!\nline vty\n!\n";
        Files.writeString(dir.resolve("frr.conf"), config);
        Files.writeString(dir.resolve("daemons"), daemons(frr.daemons()));
        Files.writeString(dir.resolve("vtysh.conf"), "service integrated-vtysh-config\n");
        List<Engine.Bind> out = new ArrayList<>();
        for (String f : List.of("frr.conf", "daemons", "vtysh.conf")) out.add(new Engine.Bind(dir.resolve(f).toString(), "/etc/frr/" + f, false));
        return out;
    }

    /** FRR's daemons file: each daemon it can switch on, yes or no, and the options it starts them with (local VTYs only). */
    static String daemons(List<String> wanted) {
        StringBuilder b = new StringBuilder("# made by nslab from the lab file (kind frr, extras.frr.daemons)\n");
        for (String d : Topology.FrrDef.CONFIGURABLE) b.append(d).append('=').append(wanted.isEmpty() || wanted.contains(d) ? "yes" : "no").append('\n');
        b.append("vtysh_enable=yes\n");
        b.append("zebra_options=\"  -A 127.0.0.1 -s 90000000\"\n");
        b.append("mgmtd_options=\"  -A 127.0.0.1\"\n");
        b.append("staticd_options=\"-A 127.0.0.1\"\n");
        for (String d : Topology.FrrDef.CONFIGURABLE) {
            String v6 = d.equals("ospf6d") || d.equals("ripngd") || d.equals("pim6d") ? "::1" : "127.0.0.1";
            b.append(d).append("_options=\"  -A ").append(v6).append("\"\n");
        }
        return b.toString();
    }
}

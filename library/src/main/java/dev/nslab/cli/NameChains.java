package dev.nslab.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * iproute2's hashed name databases (rtnl_hash_entry: route tables, device groups): 256 chains by an id's low byte,
 * its built-in names at their chains' ends and each file line put first in its chain, so that a later line wins; a
 * name is searched chain by chain.
 */
final class NameChains {
    private final List<List<NameFile.Line>> chains = new ArrayList<>();

    NameChains(List<NameFile.Line> builtIn) {
        for (int i = 0; i < 256; i++) chains.add(new ArrayList<>());
        for (NameFile.Line l : builtIn) chains.get((int) (l.id() & 255)).add(l);
    }

    /** The lines of one file, each first in its chain (a negative id is skipped, as ip skips it). */
    void add(List<NameFile.Line> lines) {
        for (NameFile.Line l : lines) if (l.id() >= 0) chains.get((int) (l.id() & 255)).addFirst(l);
    }

    /** Id {@code id}'s name, or null. */
    String name(long id) {
        for (NameFile.Line l : chains.get((int) (id & 255))) if (l.id() == id) return l.name();
        return null;
    }

    /** The id named {@code name}, or null. */
    Long id(String name) {
        for (List<NameFile.Line> chain : chains) for (NameFile.Line l : chain) if (l.name().equals(name)) return l.id();
        return null;
    }
}

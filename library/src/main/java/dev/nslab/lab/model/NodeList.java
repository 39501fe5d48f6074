package dev.nslab.lab.model;

import dev.nslab.lab.model.Topology.NodeDef;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

/**
 * A topology's nodes in file order, indexed once by name: planning and checking a lab of a thousand nodes asks for
 * nodes by name for every link and node, which a walk through the list made quadratic.
 */
final class NodeList extends AbstractList<NodeDef> implements RandomAccess {
    private final List<NodeDef> nodes;
    private final Map<String, NodeDef> byName = new HashMap<>();
    /** Nodes whose namespace another node shares and runs programs in (exec lines, services): hosts, for that. */
    private final Set<String> sharedByRunners = new HashSet<>();

    private NodeList(List<NodeDef> nodes) {
        this.nodes = List.copyOf(nodes);
        for (NodeDef n : this.nodes) {
            byName.putIfAbsent(n.name(), n); // the first of a name, as a walk would find
            if (n.sharesWith() != null && (!n.exec().isEmpty() || !n.programs().services().isEmpty())) sharedByRunners.add(n.sharesWith());
        }
    }

    static List<NodeDef> of(List<NodeDef> nodes) { return nodes instanceof NodeList l ? l : new NodeList(nodes); }

    NodeDef named(String name) { return byName.get(name); }

    boolean sharedByRunner(String name) { return sharedByRunners.contains(name); }

    @Override
    public NodeDef get(int i) { return nodes.get(i); }

    @Override
    public int size() { return nodes.size(); }
}

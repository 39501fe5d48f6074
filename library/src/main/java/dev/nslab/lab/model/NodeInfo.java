package dev.nslab.lab.model;

/** A node as the lab file named it, its kind's word ("linux", "bridge", "ovs-bridge") and its namespace (null: none of its own). */
public record NodeInfo(String name, String kind, String ns) { }

package dev.nslab.ovs;

/** A row of the Interface table: {@code type} is "" for a system device, "internal" for a bridge's own port. */
public record OvsInterface(String uuid, String name, String type, String error) { }

package dev.nslab.ovs;

/**
 * A row of the Interface table: {@code type} is "" for a system device, "internal" for a bridge's own port, "patch"
 * for one end of a patch between bridges ({@code options} then holds its peer).
 */
public record OvsInterface(String uuid, String name, String type, String error, java.util.Map<String, String> options) { }

package dev.nslab.lab.model;

/** Where a long lab operation reports what it is doing (a bar on a terminal, plain lines otherwise). */
public interface Progress {
    /** A step of {@code total} units begins. */
    void phase(String what, int total);

    /** One unit of the current step is done. */
    void advance();

    /** A line for the user (a warning, the output of a node's command). */
    void say(String line);

    Progress SILENT = new Progress() {
        public void phase(String what, int total) { }
        public void advance() { }
        public void say(String line) { }
    };
}

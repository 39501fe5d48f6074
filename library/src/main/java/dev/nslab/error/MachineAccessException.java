package dev.nslab.error;

import java.util.List;

/**
 * A lab file asks for more than its lab's own confined nodes — commands on the machine itself, a machine path a node
 * may write, the machine's bridges or interfaces, a tunnel out of the machine — and the user has not allowed it.
 * Nothing of the lab was made. {@link #reaches()} lists each request at its {@code file:line}.
 */
public class MachineAccessException extends LabException {
    private final String file;
    private final List<String> reaches;

    /**
     * @param file    the lab file
     * @param reaches what it asks for, each "file:line: what"
     */
    public MachineAccessException(String file, List<String> reaches) {
        super(file + " asks for more than its lab's own confined nodes, and nothing of it was made:\n  " + String.join("\n  ", reaches));
        this.file = file;
        this.reaches = List.copyOf(reaches);
    }

    /** @return the lab file */
    public String file() { return file; }

    /** @return what the file asks of the machine, each "file:line: what", in file order */
    public List<String> reaches() { return reaches; }
}

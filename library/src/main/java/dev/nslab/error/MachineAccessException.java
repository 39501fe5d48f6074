package dev.nslab.error;

import java.util.List;

/**
 * A lab file asks for more than its lab's own confined nodes — commands on the machine itself, a machine path a node
 * may write, the machine's bridges or interfaces, a tunnel out of the machine — and the user has not allowed it.
 * Nothing of the lab was made. {@link #reaches()} lists each request at its {@code file:line}.
 */
public class MachineAccessException extends LabException {
    /** The lab file. */
    private final String file;
    /** What it asks for, each "file:line: what". */
    private final List<String> reaches;

    /**
     * The refusal of {@code file}, listing what it asks for.
     *
     * @param file    the lab file
     * @param reaches what it asks for, each "file:line: what"
     */
    public MachineAccessException(String file, List<String> reaches) {
        super(file + " asks for more than its lab's own confined nodes, and nothing of it was made:\n  " + String.join("\n  ", reaches));
        this.file = file;
        this.reaches = List.copyOf(reaches);
    }

    /**
     * The lab file.
     *
     * @return the lab file
     */
    public String file() { return file; }

    /**
     * What the file asks of the machine.
     *
     * @return each request as "file:line: what", in file order
     */
    public List<String> reaches() { return reaches; }
}

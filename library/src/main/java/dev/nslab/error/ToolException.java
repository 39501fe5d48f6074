package dev.nslab.error;

/** One of nslab's helper programs failed: which, how it ended, and what it said. */
public class ToolException extends NslabException {
    /** The program's exit status. */
    private final int status;

    /**
     * Makes the exception.
     *
     * @param message what failed, with what the program said
     * @param status  the program's exit status
     */
    public ToolException(String message, int status) {
        super(message);
        this.status = status;
    }

    /**
     * Returns the helper program's exit status.
     *
     * @return the helper program's exit status
     */
    public int status() { return status; }
}

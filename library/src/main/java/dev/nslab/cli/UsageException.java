package dev.nslab.cli;

/** Words of the command line that ip would refuse, in ip's words; ip exits 255 for most, 1 for some (its {@code status}). */
public final class UsageException extends RuntimeException {
    private final int status;

    public UsageException(String message) { this(message, 255); }

    public UsageException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The exit status ip gives this refusal. */
    public int status() { return status; }
}

package dev.nslab.cli;

/** The command line itself is wrong (unknown word, missing argument); exits 255 like iproute2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) { super(message); }
}

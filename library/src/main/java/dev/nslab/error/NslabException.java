package dev.nslab.error;

/**
 * The base of everything nslab throws: a lab that cannot be built, a file with a mistake, a switch database that
 * refuses, a kernel that says no. Every message names the object and, where there is one, the fix. The types below it
 * say what happened, so callers never read the text to decide what to do.
 */
public class NslabException extends RuntimeException {
    /**
     * Makes the exception.
     *
     * @param message what failed, naming the object and, where there is one, the fix
     */
    public NslabException(String message) { super(message); }

    /**
     * Makes the exception.
     *
     * @param message what failed, naming the object and, where there is one, the fix
     * @param cause   the failure underneath
     */
    public NslabException(String message, Throwable cause) { super(message, cause); }
}

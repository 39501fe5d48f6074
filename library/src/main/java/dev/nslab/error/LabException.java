package dev.nslab.error;

import java.util.Optional;

/**
 * A lab could not be read, built, changed, checked or taken down; the message names the object and what to do. A
 * mistake in a lab file is located: the message begins with {@code file:line:column}, which {@link #location()}
 * also gives. The one exception for labs, whether they come from a file or from the Java API.
 */
public class LabException extends NslabException {
    /**
     * Where in a lab file a mistake is.
     *
     * @param file   the file, as it was named
     * @param line   its line, from 1 (0: the file as a whole)
     * @param column its column, from 1 (0: the line as a whole)
     */
    public record Location(String file, int line, int column) {
        @Override
        public String toString() { return file + ":" + line + ":" + column; }
    }

    /** Where the mistake is, or null when it is not one of a file's. */
    private final Location location;

    /**
     * A failure that is not a place in a file.
     *
     * @param message what failed, naming the object and, where there is one, the fix
     */
    public LabException(String message) {
        super(message);
        this.location = null;
    }

    /**
     * A failure that is not a place in a file, with the failure underneath.
     *
     * @param message what failed, naming the object and, where there is one, the fix
     * @param cause   the failure underneath
     */
    public LabException(String message, Throwable cause) {
        super(message, cause);
        this.location = null;
    }

    /**
     * A mistake in a lab file.
     *
     * @param file    the file, as it was named
     * @param line    its line, from 1 (0: the file as a whole)
     * @param column  its column, from 1 (0: the line as a whole)
     * @param message what is wrong there and how to put it right
     */
    public LabException(String file, int line, int column, String message) {
        super(file + ":" + line + ":" + column + ": " + message);
        this.location = new Location(file, line, column);
    }

    /**
     * Returns where in a lab file the mistake is, when it is one of a file's.
     *
     * @return the place, or empty
     */
    public Optional<Location> location() { return Optional.ofNullable(location); }
}

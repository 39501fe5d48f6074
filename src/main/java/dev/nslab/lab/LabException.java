package dev.nslab.lab;

/** A lab could not be brought up, down or read; the message names the object and what to do. */
public final class LabException extends RuntimeException {
    public LabException(String message) { super(message); }

    public LabException(String message, Throwable cause) { super(message, cause); }
}

package dev.nslab.lab;

import dev.nslab.error.NslabException;

/** A lab could not be brought up, down or read; the message names the object and what to do. */
public class LabException extends NslabException {
    public LabException(String message) { super(message); }

    public LabException(String message, Throwable cause) { super(message, cause); }
}

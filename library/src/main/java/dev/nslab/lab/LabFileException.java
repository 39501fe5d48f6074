package dev.nslab.lab;

/** A mistake in a topology file, located as {@code file:line:column} and worded with the fix. */
public final class LabFileException extends LabException {
    private final String file;
    private final int line;
    private final int column;

    public LabFileException(String file, int line, int column, String message) {
        super(file + ":" + line + ":" + column + ": " + message);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    public String file() { return file; }

    public int line() { return line; }

    public int column() { return column; }
}

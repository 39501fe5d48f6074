package dev.nslab.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Entry point of the {@code nslab} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // Buffered: a large "link show" must not cost one write(2) per line. Cli flushes before exec and exit.
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);
        int code = new Cli(out, System.err).run(args);
        out.flush();
        System.err.flush();
        // halt, not exit: System.exit starts the JDK's logging (it logs exits at debug level), 5-10 ms of a
        // one-shot command; nslab registers no shutdown hooks and has flushed what it wrote
        Runtime.getRuntime().halt(code);
    }
}

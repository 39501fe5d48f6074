package dev.nslab.sys;

import dev.nslab.testkit.Needs;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real pseudo-terminal: a program on it sees a terminal of the size set, its output comes back, and its end shows. */
@Needs(root = false, programs = {"sh", "stty", "tty"})
class PtyTest {
    @Test
    void aProgramRunsOnTheTerminal() throws Exception {
        try (Pty pty = Pty.open(97, 31)) {
            File tty = new File(pty.terminal());
            Process p = new ProcessBuilder("sh", "-c", "tty; stty size; read line; echo got:$line")
                    .redirectInput(tty).redirectOutput(tty).redirectError(tty).start();
            pty.write("typed\n".getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] b;
            while ((b = pty.read(5000)) != null) out.write(b); // until the terminal is gone: the program has ended
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains(pty.terminal()), text);
            assertTrue(text.contains("31 97"), text);
            assertTrue(text.contains("got:typed"), text);
            assertEquals(0, p.exitValue());
        }
    }
}

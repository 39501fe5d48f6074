package dev.nslab.lab.state;

import dev.nslab.error.LabException;
import dev.nslab.sys.OwnFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The lab files this user allowed to reach beyond their labs ({@code up --allow-host}), each by its path and the
 * SHA-256 of its text when it was allowed: the same file unchanged is allowed again without asking; any change to
 * it asks again. Kept beside the labs' state ({@code .trusted}, this user's only), so it lasts as long as they do.
 */
public final class Trusted {
    private Trusted() {}

    private static Path record(Path stateDir) { return stateDir.resolve(".trusted"); }

    /** The SHA-256 of {@code text}, in hex. */
    public static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code file} with this {@code hash} was allowed. */
    public static boolean allows(Path stateDir, String file, String hash) { return lines(stateDir).contains(hash + " " + file); }

    /** Notes that {@code file} with this {@code hash} is allowed (an earlier hash of the same file is forgotten). */
    public static void allow(Path stateDir, String file, String hash) {
        List<String> keep = new ArrayList<>();
        for (String l : lines(stateDir)) if (!l.endsWith(" " + file)) keep.add(l);
        keep.add(hash + " " + file);
        try {
            OwnFiles.write(record(LabState.directory(stateDir)), String.join("\n", keep) + "\n");
        } catch (IOException e) {
            throw new LabException("cannot note in " + stateDir + " that " + file + " is allowed: " + e.getMessage(), e);
        }
    }

    private static List<String> lines(Path stateDir) {
        Path r = record(stateDir);
        try {
            if (!Files.isRegularFile(r, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return List.of();
            LabState.directory(stateDir); // only a record in a directory of this user's alone is believed
            return Files.readAllLines(r).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}

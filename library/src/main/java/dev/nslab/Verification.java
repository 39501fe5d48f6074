package dev.nslab;

import java.util.List;

/**
 * A lab checked the way {@code nslab verify} checks it: every address each node really has, pinged from every other
 * node, compared with what the lab's description predicts (and, for a lab file, what it expects).
 *
 * @param agrees        whether something was judged, nothing disagrees and every pair could be measured
 * @param pairs         how many (node, address) pairs were measured
 * @param disagreements one line per pair where measurement and prediction differ, with the reason
 * @param summary       the verdict in words, as {@code nslab verify} prints it
 * @param expectations  one line per expectation (the file's and {@link Expect}s): what it is, whether it holds, why
 */
public record Verification(boolean agrees, int pairs, List<String> disagreements, String summary, List<String> expectations) {
}

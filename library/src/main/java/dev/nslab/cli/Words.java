package dev.nslab.cli;

import java.util.ArrayList;
import java.util.List;

/** Splits a batch line into words as iproute2's makeargs does: white space, quotes, and '#' comments. */
final class Words {
    private Words() {}

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else cur.append(c);
                continue;
            }
            if (c == '#' && cur == null) break;
            if (c == '"' || c == '\'') {
                quote = c;
                if (cur == null) cur = new StringBuilder();
                continue;
            }
            if (Character.isWhitespace(c)) {
                if (cur != null) out.add(cur.toString());
                cur = null;
                continue;
            }
            if (cur == null) cur = new StringBuilder();
            cur.append(c);
        }
        if (quote != 0) throw new UsageException("Unterminated quoted string");
        if (cur != null) out.add(cur.toString());
        return out;
    }
}

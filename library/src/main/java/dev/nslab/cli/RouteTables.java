package dev.nslab.cli;

/** Routing tables as iproute2 names them (its rt_tables): default, main and local, any other by its number. */
final class RouteTables {
    static final int DEFAULT = 253, MAIN = 254, LOCAL = 255;

    private RouteTables() {}

    static String name(int t) {
        return switch (t) {
            case DEFAULT -> "default";
            case MAIN -> "main";
            case LOCAL -> "local";
            default -> String.valueOf(t);
        };
    }

    /**
     * A table named on the command line; "all" (or 0) is null, every table. {@code invalid} is how ip words a name it
     * does not know in this command ("table id value is invalid", "invalid table ID").
     */
    static Integer parse(String t, String invalid) {
        return switch (t) {
            case "default" -> DEFAULT;
            case "main" -> MAIN;
            case "local" -> LOCAL;
            case "all", "0" -> null;
            default -> {
                try {
                    yield Integer.parseInt(t);
                } catch (NumberFormatException e) {
                    throw new UsageException("Error: argument \"" + t + "\" is wrong: " + invalid);
                }
            }
        };
    }
}

package dev.nslab.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher (a shell script, which cannot ask the Java code) picks the whole workload's AOT cache for the verbs that
 * are not read-only: its list must hold every lab and fault verb the command line knows, or a new verb would start with
 * the reads' cache and load its classes from the jar.
 */
@Tag("unit")
class LauncherCacheChoiceTest {
    @Test
    void everyLabAndFaultVerbGetsTheWholeWorkloadsCache() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("nslab"));
        List<String> cases = lines.stream().map(String::strip).filter(l -> l.endsWith("cache=$aot; break ;;") && !l.startsWith("-")).toList();
        assertEquals(1, cases.size(), "the launcher's line of verbs: " + cases);
        Set<String> listed = Set.of(cases.getFirst().substring(0, cases.getFirst().indexOf(')')).split("\\|"));
        List<String> verbs = new ArrayList<>(LabCmd.VERBS);
        verbs.addAll(LabCmd.CLAB_VERBS.keySet());
        verbs.addAll(FaultCmd.VERBS);
        verbs.addAll(List.of("ovs", "ovs-vsctl", "ui", "helper"));
        for (String v : verbs) assertTrue(listed.contains(v), v + " is not in the launcher's list " + listed);
        for (String v : listed) assertTrue(verbs.contains(v), v + " in the launcher's list is no verb of the command line's");
    }
}

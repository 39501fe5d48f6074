package dev.nslab.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * ovs-vsctl's row order, against lists ovs-vsctl 3.1 printed (`ovs-vsctl --columns=_uuid list Bridge`); OvsSwitchTest
 * compares the two tools on a live database.
 */
@Tag("unit")
class OvsRowOrderTest {
    static final List<String> SIX = List.of("6cf2534c-94e9-46f2-b00e-d97cda5cb5ce", "933f8cdc-5edb-46e1-ae98-b093bcd93c8b", "862ceb41-d6e0-451a-acd6-ee2030df8290", "358cbc11-3f2c-4033-872c-63dd46d5f8d1", "e555a9b9-0edc-42ea-aa10-6480d597bd15", "1e4ba8cb-4a8a-4e48-8e54-af8edfc497c0");
    static final List<String> FIFTEEN = List.of("bbfd3eb0-4415-4e4a-b399-6cce1ebdbede", "862ceb41-d6e0-451a-acd6-ee2030df8290", "358cbc11-3f2c-4033-872c-63dd46d5f8d1", "e555a9b9-0edc-42ea-aa10-6480d597bd15", "1e4ba8cb-4a8a-4e48-8e54-af8edfc497c0", "57f634fc-f27d-478d-9c08-f8f44c59a76a", "0ffa319c-ae66-4c4b-8305-3d70e34b6019", "5ba79494-2b6e-4337-872e-9718f9618734", "6cf2534c-94e9-46f2-b00e-d97cda5cb5ce", "933f8cdc-5edb-46e1-ae98-b093bcd93c8b", "d23ffed5-e477-40af-ad00-0514c5e875b4", "4bc69f25-7cd0-40ec-9bb3-4d233c8d9546", "df06bb0d-5a5b-480e-a5bc-06b82ae83bad", "4b1152d6-b806-4765-a833-082897934b4c", "e834b79e-c888-45ca-b85b-a0c742be0669");

    @Test
    void rowsInTheOrderOvsVsctlListsThemWhateverOrderTheyComeIn() {
        for (List<String> printed : List.of(SIX, FIFTEEN)) {
            List<String> shuffled = new ArrayList<>(printed);
            Collections.shuffle(shuffled, new Random(7));
            assertEquals(printed, OvsRowOrder.of(shuffled, Function.identity()));
        }
    }

    @Test
    void ovsHashOfAString() {
        // OVS's hash_string of table names: the buckets they fall in decide the order an update's tables are read in
        assertEquals(0x60c7df23, OvsRowOrder.hashString("Open_vSwitch"));
        assertEquals(0x19f19991, OvsRowOrder.hashString("Bridge"));
        assertEquals(0x1de2e0f8, OvsRowOrder.hashString("Port"));
    }
}

package dev.nslab.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

/** The API's JSON: records written with snake_case names, as nslab's {@code -j} output names things. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private Json() {}

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request's body; an empty body is an empty object. */
    static JsonNode read(String text) throws JsonProcessingException {
        return text == null || text.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(text);
    }
}

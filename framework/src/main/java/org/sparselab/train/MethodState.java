package org.sparselab.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A method's checkpointed state: a record of the method's own, stored as a named, versioned JSON document.
 *
 * <p>Why not a byte stream per method: a JSON document can be read by a person, a state of another method or of an
 * older layout is refused by name and version with a message instead of being misread as numbers, and a method adds
 * a field by editing a record, not two hand-written read/write sequences that must stay in step.
 *
 * @param kind the method (e.g. {@code strucspars}); a checkpoint of another kind is refused
 * @param version the layout of {@code body}; bump it when the record changes incompatibly
 * @param body the record as JSON ({@code null} node for a method without state)
 */
public record MethodState(String kind, int version, JsonNode body) {
    /** No state (dense training, or a method that needs none). */
    public static final MethodState NONE = new MethodState("none", 0, NullNode.getInstance());

    // NaN and ±Infinity are written as strings and read back (a threshold that was never set is NaN).
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    public MethodState {
        if (kind == null || kind.isBlank()) throw new IllegalArgumentException("method state needs a kind");
        if (body == null) body = NullNode.getInstance();
    }

    /** The state of {@code kind} at layout {@code version}: {@code record} (a Java record) as JSON. */
    public static MethodState of(String kind, int version, Object record) {
        return new MethodState(kind, version, JSON.valueToTree(record));
    }

    /**
     * The body as {@code type}, after checking that it is {@code kind}'s state at {@code version}.
     *
     * @throws IOException naming what the checkpoint holds and what was expected
     */
    public <T> T read(String expectedKind, int expectedVersion, Class<T> type) throws IOException {
        if (!kind.equals(expectedKind)) {
            throw new IOException("the checkpoint holds the state of method " + kind + ", not of " + expectedKind
                    + "; resume needs the run's own config");
        }
        if (version != expectedVersion) {
            throw new IOException(kind + " state version " + version + " in the checkpoint; this build reads version "
                    + expectedVersion + " (resume with the build that wrote it, or start the run again)");
        }
        try {
            return JSON.treeToValue(body, type);
        } catch (JsonProcessingException e) {
            throw new IOException(kind + " state in the checkpoint does not fit " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    public byte[] toBytes() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("method state " + kind + " cannot be written as JSON", e);
        }
    }

    public static MethodState fromBytes(byte[] bytes) throws IOException {
        if (bytes.length == 0) return NONE;
        try {
            return JSON.readValue(bytes, MethodState.class);
        } catch (JsonProcessingException e) {
            throw new IOException("method state in the checkpoint is not valid: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public String toString() {
        return new String(toBytes(), StandardCharsets.UTF_8);
    }
}

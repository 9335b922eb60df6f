package dev.visionapi.jobs;

/** The engine that runs a job's items. */
public enum Engine {
    /** Every replica's workers, one Converse call per item. */
    ON_DEMAND("on-demand"),
    /** Bedrock batch inference. */
    BEDROCK_BATCH("bedrock-batch");

    private final String wire;

    Engine(String wire) {
        this.wire = wire;
    }

    /** The name in the API and the database. */
    public String wire() {
        return wire;
    }

    static Engine of(String wire) {
        for (Engine engine : values()) {
            if (engine.wire.equals(wire)) {
                return engine;
            }
        }
        throw new IllegalArgumentException("Unknown engine " + wire);
    }
}

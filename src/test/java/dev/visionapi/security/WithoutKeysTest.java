package dev.visionapi.security;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Without configured keys the API is open, whatever key a client sends (the page may still hold an old one). */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class WithoutKeysTest {

    @Test
    void everyRequestIsLetThrough() {
        given().get("/v1/presets").then().statusCode(200);
        given().urlEncodingEnabled(false).get("/v1;x/models").then().statusCode(200);
        given().header("X-API-Key", "an-old-key").get("/v1/samples").then().statusCode(200);
        given().header("Authorization", "Bearer an-old-key").get("/v1/models").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }
}

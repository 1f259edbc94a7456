import { describe, expect, it } from "vitest";
import { z } from "zod";
import { errorBody, errorResponses, storedJson } from "./schemas.js";

describe("errorResponses", () => {
  it("maps each status to the one error body", () => {
    expect(errorResponses(400, 404, 422)).toEqual({ 400: errorBody, 404: errorBody, 422: errorBody });
    expect(errorResponses()).toEqual({});
  });
});

describe("storedJson", () => {
  const stored = storedJson(z.strictObject({ n: z.number().int() }), "a stored thing");

  it("answers the value as stored, not parsed again", () => {
    // A value written under an older rule reads back whole.
    expect(stored.parse({ n: 1.5, old: true })).toEqual({ n: 1.5, old: true });
  });

  it("is documented by the schema that checked it", () => {
    expect(z.toJSONSchema(stored, { target: "openapi-3.0" })).toMatchObject({
      type: "object",
      properties: { n: { type: "integer" } },
      description: "a stored thing",
    });
  });
});

// The OpenAPI document the service serves at /docs/json: valid by an independent validator, and
// every success answer described (not an empty or anything-goes schema).
import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/test-app.js";

type Schema = Record<string, unknown>;
type Operation = { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> };
type Doc = { paths: Record<string, Record<string, Operation>> };

/**
 * Success answers that are not JSON described by a schema, each with its reason. Anything else
 * with no schema, or an empty one, fails the test below.
 */
const UNDESCRIBED: Record<string, string> = {
  "get /metrics": "Prometheus text exposition format, for a scraper",
  "get /ack/{token}": "an HTML page for the unit head who follows the link in an e-mail",
};

let t: TestApp;
let doc: Doc;

beforeAll(async () => {
  t = await createTestApp();
  const res = await t.app.inject({ method: "GET", url: "/docs/json" });
  expect(res.statusCode).toBe(200);
  doc = res.json() as Doc;
});
afterAll(() => t?.close());

/** A schema any value matches: no type, shape or alternatives, only words. */
function isAnything(s: Schema): boolean {
  const words = new Set(["description", "title", "example", "examples", "nullable", "deprecated"]);
  if (Object.keys(s).every((k) => words.has(k))) return true;
  // An object naming none of its fields, whatever else it may hold.
  return (
    s.type === "object" &&
    (s.properties === undefined || Object.keys(s.properties as object).length === 0) &&
    (s.additionalProperties === undefined || s.additionalProperties === true) &&
    s.anyOf === undefined &&
    s.oneOf === undefined &&
    s.allOf === undefined
  );
}

function successes() {
  const out: { route: string; code: string; schemas: Schema[] }[] = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item))
      for (const [code, r] of Object.entries(op.responses))
        if (code.startsWith("2"))
          out.push({
            route: `${method} ${path}`,
            code,
            schemas: Object.values(r.content ?? {}).flatMap((m) => (m.schema ? [m.schema] : [])),
          });
  return out;
}

describe("GET /docs/json", () => {
  it("passes an independent OpenAPI validator", async () => {
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it("describes every success answer with a schema that says something", () => {
    const found = successes();
    expect(found.length).toBeGreaterThan(50);
    const undescribed = found
      .filter((s) => s.code !== "204" && !(s.route in UNDESCRIBED))
      .filter((s) => s.schemas.length === 0 || s.schemas.some(isAnything))
      .map((s) => `${s.route} ${s.code}`);
    expect(undescribed).toEqual([]);
  });

  it("documents stored JSON (a plan, a milestone as closed) by the schema that checked it", () => {
    const json = (route: string, method: string, code: string) =>
      doc.paths[route]?.[method]?.responses[code]?.content?.["application/json"]?.schema as {
        properties: Record<string, { properties?: Record<string, unknown>; anyOf?: unknown[] }>;
      };
    const plan = json("/api/v1/plans/{year}", "get", "200").properties.plan;
    expect(Object.keys(plan?.properties ?? {})).toEqual(
      expect.arrayContaining(["year", "title", "milestones"]),
    );
    const closings = json("/api/v1/plans/{year}/closings", "get", "200").properties.items as {
      items?: { properties: Record<string, { anyOf?: unknown[]; oneOf?: unknown[] }> };
    };
    const milestone = closings.items?.properties.milestone;
    expect((milestone?.anyOf ?? milestone?.oneOf ?? []).length).toBe(2);
  });

  it("lists no exception that is not in the document", () => {
    const routes = new Set(successes().map((s) => s.route));
    for (const r of Object.keys(UNDESCRIBED)) expect(routes.has(r), r).toBe(true);
  });
});

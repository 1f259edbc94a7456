import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { createJsonSchemaTransform } from "fastify-type-provider-zod";

// BigInt amounts travel as JSON integers; tell the OpenAPI document so instead of failing on them.
const transform = createJsonSchemaTransform({
  zodToJsonConfig: {
    unrepresentable: "any",
    override: (ctx) => {
      const def = (ctx.zodSchema as { _zod?: { def?: { type?: string } } })._zod?.def;
      if (def?.type === "bigint") Object.assign(ctx.jsonSchema, { type: "integer", format: "int64" });
      if (def?.type === "date") Object.assign(ctx.jsonSchema, { type: "string", format: "date-time" });
    },
  },
});

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "disbursement-monitor",
        version: "1",
        description:
          "Capital allocations and disbursements of the National Target Programmes, per unit. " +
          "Amounts are whole đồng as JSON integers; dates are YYYY-MM-DD local dates in Asia/Ho_Chi_Minh.",
      },
      components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer" } } },
      security: [{ apiKey: [] }],
    },
    transform,
  });
  // staticCSP: the UI sets its own policy with hashes for its inline scripts.
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });
}

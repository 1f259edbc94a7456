import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ADMINS, principalOf, READERS } from "../access/auth.plugin.js";
import { code, errorResponses, text } from "../http/schemas.js";
import type { CatalogService } from "./catalog.service.js";

const program = z.strictObject({ code, name: text(300) });
const unitKind = z.enum(["department", "district"]);
const unit = z.strictObject({
  code,
  name: text(300),
  kind: unitKind,
  headName: text(200),
  headEmail: z.email(),
  ccEmails: z.array(z.email()).max(20).default([]),
});

export const catalogRoutes: FastifyPluginAsyncZod<{ catalog: CatalogService }> = async (app, { catalog }) => {
  app.get(
    "/programs",
    { config: { roles: READERS }, schema: { tags: ["catalog"], response: { 200: z.array(program) } } },
    () => catalog.listPrograms(),
  );
  app.post(
    "/programs",
    {
      config: { roles: ADMINS },
      schema: { tags: ["catalog"], body: program, response: { 201: program, ...errorResponses(409) } },
    },
    async (req, reply) => reply.status(201).send(await catalog.createProgram(req.body)),
  );
  app.get(
    "/units",
    {
      config: { roles: READERS },
      schema: {
        tags: ["catalog"],
        summary: "The units; an officer's key lists only its own units",
        querystring: z.strictObject({ kind: unitKind.optional() }),
        response: { 200: z.array(unit) },
      },
    },
    (req) => catalog.listUnitsFor(principalOf(req), req.query.kind),
  );
  app.get(
    "/units/:code",
    {
      config: { roles: READERS },
      schema: {
        tags: ["catalog"],
        summary: "A unit; to an officer, a unit of another key answers 404 as an unknown code does",
        params: z.object({ code }),
        response: { 200: unit, ...errorResponses(404) },
      },
    },
    (req) => catalog.getUnitFor(req.params.code, principalOf(req)),
  );
  app.post(
    "/units",
    {
      config: { roles: ADMINS },
      schema: { tags: ["catalog"], body: unit, response: { 201: unit, ...errorResponses(409) } },
    },
    async (req, reply) => reply.status(201).send(await catalog.createUnit(req.body, principalOf(req))),
  );
};

import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { code, errorResponses, searchText, text } from "../http/schemas.js";
import type { ApiKeysService } from "./api-keys.service.js";
import { ADMINS, principalOf, READERS } from "./auth.plugin.js";

const role = z.enum(["admin", "officer", "viewer"]);
const keyOut = z.object({
  id: z.string(),
  name: z.string(),
  role,
  unitCodes: z.array(z.string()),
  createdAt: z.date(),
  createdBy: z.string(),
  revokedAt: z.date().nullable(),
});

export const apiKeysRoutes: FastifyPluginAsyncZod<{ apiKeys: ApiKeysService }> = async (app, { apiKeys }) => {
  const toOut = (k: Awaited<ReturnType<ApiKeysService["list"]>>[number]) => ({ ...k, id: k.keyId });
  app.post(
    "/api-keys",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["access"],
        summary: "Create an API key; the secret is in the answer once and never again",
        body: z.strictObject({ name: text(200), role, unitCodes: z.array(code).max(500).optional() }),
        response: { 201: keyOut.extend({ key: z.string() }), ...errorResponses(404, 422) },
      },
    },
    async (req, reply) => {
      const created = await apiKeys.createKey(req.body, principalOf(req));
      return reply.status(201).send({ ...toOut(created), key: created.key });
    },
  );
  app.get(
    "/me",
    {
      config: { roles: READERS },
      schema: {
        tags: ["access"],
        summary: "The key this request signs with: its role and, for an officer, the units it covers",
        description: "The dashboard asks it after sign-in, to open an officer's own unit.",
        response: {
          200: z.object({
            keyId: z.string(),
            name: z.string(),
            role,
            unitCodes: z.array(z.string()).describe("an officer's units; empty for admins and viewers"),
          }),
        },
      },
    },
    async (req) => {
      const { keyId, name, role: r, unitCodes } = principalOf(req);
      return { keyId, name, role: r, unitCodes };
    },
  );
  app.get(
    "/api-keys",
    { config: { roles: ADMINS }, schema: { tags: ["access"], response: { 200: z.array(keyOut) } } },
    async () => (await apiKeys.list()).map(toOut),
  );
  app.delete(
    "/api-keys/:id",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["access"],
        params: z.object({ id: searchText(64) }),
        response: { 204: z.null(), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      await apiKeys.revoke(req.params.id);
      return reply.status(204).send(null);
    },
  );
};

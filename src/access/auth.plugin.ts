// Resolves `Authorization: Bearer <key>` to a principal on every /api request; routes then say
// which roles they admit with `config: { roles: [...] }`.
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { UnauthorizedError } from "../domain/errors.js";
import type { ApiKeysService } from "./api-keys.service.js";
import { assertRole, type Principal, type Role } from "./principal.js";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Roles admitted; absent means the route is public (health checks, docs). */
    roles?: readonly Role[];
  }
}

export const READERS: readonly Role[] = ["admin", "officer", "viewer"];
export const WRITERS: readonly Role[] = ["admin", "officer"];
export const ADMINS: readonly Role[] = ["admin"];

export const authPlugin = fp(async (app: FastifyInstance, opts: { apiKeys: ApiKeysService }) => {
  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (request) => {
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    const header = request.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new UnauthorizedError("send an API key as 'Authorization: Bearer <key>'");
    const principal = await opts.apiKeys.authenticate(match[1]);
    if (!principal) throw new UnauthorizedError("unknown or revoked API key");
    assertRole(principal, roles);
    request.principal = principal;
  });
});

/** The caller of a route that declared roles; the hook above has already checked it. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthorizedError("no API key");
  return request.principal;
}

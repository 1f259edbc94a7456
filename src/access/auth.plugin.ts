// Resolves `Authorization: Bearer <key>` to a principal on every /api request; routes then say
// which roles they admit with `config: { roles: [...] }`.
//
// Hook order matters: the key is resolved in onRequest, the write limiter (a route-level onRequest
// hook of @fastify/rate-limit, src/http/protection.ts) runs next and counts the request against
// the key's id, or against the address when there is no valid key, and only then, in preParsing,
// is a refused key answered with 401/403. So no spelling of the header escapes the limit, and
// guessing keys is limited per address.
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { type DomainError, ForbiddenError, UnauthorizedError } from "../domain/errors.js";
import type { ApiKeysService } from "./api-keys.service.js";
import { assertRole, type Principal, type Role } from "./principal.js";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
    /** The id of a valid key, whether or not its role admits the route: what limits count by. */
    keyId: string | null;
    /** Why the key was refused; answered after the write limiter has counted the request. */
    authFailure: DomainError | null;
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
  app.decorateRequest("keyId", null);
  app.decorateRequest("authFailure", null);
  app.addHook("onRequest", async (request) => {
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    const header = request.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      request.authFailure = new UnauthorizedError("send an API key as 'Authorization: Bearer <key>'");
      return;
    }
    const principal = await opts.apiKeys.authenticate(match[1]);
    if (!principal) {
      request.authFailure = new UnauthorizedError("unknown or revoked API key");
      return;
    }
    // Counted against the key even when its role does not admit the route.
    request.keyId = principal.keyId;
    try {
      assertRole(principal, roles);
      request.principal = principal;
    } catch (e) {
      if (!(e instanceof ForbiddenError)) throw e;
      request.authFailure = e;
    }
  });
  app.addHook("preParsing", async (request) => {
    if (request.authFailure) throw request.authFailure;
  });
});

/** The caller of a route that declared roles; the hook above has already checked it. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthorizedError("no API key");
  return request.principal;
}

// The one place where errors become HTTP answers. Every body carries the request id; validation
// answers name each field and the rule it broke. 5xx details stay in the log.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import {
  BusyError,
  ConflictError,
  DomainError,
  type FieldIssue,
  ForbiddenError,
  ImportRejectedError,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from "../domain/errors.js";

const STATUS_BY_ERROR: [new (...args: never[]) => DomainError, number, string][] = [
  [UnauthorizedError, 401, "unauthorized"],
  [ForbiddenError, 403, "forbidden"],
  [NotFoundError, 404, "not_found"],
  [ConflictError, 409, "conflict"],
  [InvalidInputError, 400, "invalid_input"],
  [RuleViolationError, 422, "rule_violation"],
  [BusyError, 503, "busy"],
  [UnsupportedMediaTypeError, 415, "unsupported_media_type"],
];

export class ServiceUnavailableError extends Error {}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const requestId = request.id;
    if (hasZodFastifySchemaValidationErrors(error)) {
      const context = error.validationContext ?? "body";
      const issues = error.validation.flatMap((v) => flattenIssue(toZodIssue(v), context));
      return reply
        .status(400)
        .send({ error: "validation_failed", message: summarize(issues), issues, requestId });
    }
    if (error instanceof ImportRejectedError) return reply.status(422).send(rejectionBody(error, requestId));
    if (error instanceof DomainError) {
      const [, status, code] = STATUS_BY_ERROR.find(([cls]) => error instanceof cls) ?? [
        DomainError,
        400,
        "bad_request",
      ];
      const issues = error.issues.map((i) => wireIssue(i, request.body));
      if (error instanceof BusyError) reply.header("retry-after", "5");
      return reply.status(status).send({ error: code, message: error.message, issues, requestId });
    }
    if (isDatabaseDown(error)) {
      request.log.warn({ err: error }, "database unavailable");
      return reply
        .status(503)
        .header("retry-after", "5")
        .send({ error: "unavailable", message: "the database is unavailable; retry shortly", requestId });
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      // Fastify's own 4xx: malformed JSON, body too large, unsupported media type.
      return reply
        .status(status)
        .send({ error: error.code ?? "bad_request", message: error.message, issues: [], requestId });
    }
    request.log.error({ err: error }, "unhandled error");
    return reply.status(500).send({ error: "internal", message: "internal error", requestId });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: "not_found",
      message: `no route ${request.method} ${request.url}`,
      requestId: request.id,
    }),
  );
}

/**
 * Errors the router raises before any route or hook runs (a broken %-escape in the path, a
 * parameter over 100 characters): the same body as every other error, with the request id, and
 * the request id header that the onSend hook would otherwise add.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .status(error.statusCode ?? 400)
    .header("x-request-id", request.id)
    .send({ error: error.code, message: error.message, issues: [], requestId: request.id });
}

/** A refused upload: its report, then the error's fields, each row issue at the path `row.N.field`. */
function rejectionBody(error: ImportRejectedError, requestId: string) {
  return {
    ...error.report,
    error: error.code,
    message: error.message,
    issues: error.report.errors.map((e) => ({
      path: `row.${e.row}${e.field ? `.${e.field}` : ""}`,
      rule: e.rule,
      message: e.message,
    })),
    requestId,
  };
}

/** An issue as the client reads it: the path of the field in its request. */
export type WireIssue = Omit<FieldIssue, "field"> & { path: string };

/**
 * Services name an entry and a field; the request decides the path: `body.3.amount` when the
 * body was a batch (an array), `body.amount` when it was one entry.
 */
export function wireIssue(i: FieldIssue, body: unknown): WireIssue {
  const { field, entry, ...rest } = i;
  let path: string;
  // Outside the body: the same first segment as schema validation uses ("querystring.asOf").
  if (/^query\./.test(field)) path = `querystring.${field.slice("query.".length)}`;
  else if (/^(headers|querystring|params)\./.test(field)) path = field;
  else if (entry !== undefined && Array.isArray(body))
    path = field ? `body.${entry}.${field}` : `body.${entry}`;
  else path = field ? `body.${field}` : "body";
  return entry !== undefined ? { path, entry, ...rest } : { path, ...rest };
}

type ZodIssue = {
  code: string;
  path: PropertyKey[];
  message: string;
  errors?: ZodIssue[][];
  keys?: string[];
  params?: { rule?: unknown };
};

/**
 * fastify-type-provider-zod 7 hands each zod issue over as { keyword: code, instancePath:
 * "/a/0/b", message, params: the issue's other fields }; rebuild the issue from that.
 */
function toZodIssue(v: {
  keyword: string;
  instancePath: string;
  message?: string;
  params: object;
}): ZodIssue {
  const path = v.instancePath.split("/").slice(1);
  return {
    ...(v.params as Partial<ZodIssue>),
    code: v.keyword,
    path: path.length === 1 && path[0] === "" ? [] : path,
    message: v.message ?? "invalid",
  };
}

/**
 * An entry-or-batch body fails as a union; report the branch whose shape the input had (the one
 * without a type error at its root), so the answer names the real field.
 */
function flattenIssue(issue: ZodIssue, context: string, prefix: PropertyKey[] = []): WireIssue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors) {
    const fitting = issue.errors.filter(
      (branch) => !branch.some((i) => i.path.length === 0 && i.code === "invalid_type"),
    );
    if (fitting.length === 1 && fitting[0]) return fitting[0].flatMap((i) => flattenIssue(i, context, path));
  }
  // A strict object names the unknown keys in the issue, not in its path: name each as a field.
  if (issue.code === "unrecognized_keys" && issue.keys?.length)
    return issue.keys.map((k) => ({
      path: [context, ...path.map(String), k].join("."),
      rule: issue.code,
      message: `unknown field ${JSON.stringify(k)}`,
    }));
  // Our own refinements (zod code "custom") carry the rule's name in params.rule.
  const rule =
    issue.code === "custom" && typeof issue.params?.rule === "string" ? issue.params.rule : issue.code;
  return [{ path: [context, ...path.map(String)].join("."), rule, message: issue.message }];
}

function summarize(issues: WireIssue[]): string {
  const first = issues[0];
  if (!first) return "invalid request";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return `${first.path}: ${first.message}${more}`;
}

/**
 * Connection-level failures of the database, as pg, its pool and the Prisma adapter word them
 * (seen with PostgreSQL stopped under load: refused connections, connections terminated by the
 * shutdown, pooled clients left unusable by it, a server still starting up), here or in a cause.
 */
const DATABASE_DOWN =
  /ECONNREFUSED|ECONNRESET|57P01|57P02|57P03|08006|08001|08003|Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|terminating connection|the database system is|Can't reach database server|DatabaseNotReachable|ConnectionClosed|Server has closed the connection|P1001|P1017|embedded database/i;

function isDatabaseDown(error: unknown): boolean {
  if (error instanceof ServiceUnavailableError) return true;
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth += 1) {
    const text = String((e as { code?: string }).code ?? "") + String((e as Error).message ?? "");
    if (DATABASE_DOWN.test(text)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

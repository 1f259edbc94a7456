// Errors the services raise; src/http/error-handler.ts maps each class to one HTTP status.
export type FieldIssue = { path: string; rule: string; message: string };

export class DomainError extends Error {
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A referenced thing (unit, program, entry) does not exist. 404 for a path, 422 in a body. */
export class NotFoundError extends DomainError {}
/** The request is well-formed but breaks a ledger rule (over-disbursement, negative plan). */
export class RuleViolationError extends DomainError {}
/** The request conflicts with existing state (duplicate code, idempotency key reused). */
export class ConflictError extends DomainError {}
/** Input that zod could not express (for example a date after today). */
export class InvalidInputError extends DomainError {}
export class UnauthorizedError extends DomainError {}
export class ForbiddenError extends DomainError {}

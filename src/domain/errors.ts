// Errors the services raise; src/http/error-handler.ts maps each class to one HTTP status and
// turns each issue into a field path of the request. Services speak of entries and fields, never
// of request bodies.
import type { LocalDate } from "./local-date.js";

export type FieldIssue = {
  /** The input field, dotted ("amount", "lines.0.amount"); "headers.x", "query.x" or "params.x" outside the body. */
  field: string;
  rule: string;
  message: string;
  /** The entry's index when the input was a batch of entries. */
  entry?: number | undefined;
  /** The local date at which a ledger rule breaks. */
  date?: LocalDate | undefined;
  /** The scope's figures at that date, whole đồng. */
  figures?: Record<string, bigint> | undefined;
};

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
/** Too much of a heavy kind of work is already under way: retry shortly. */
export class BusyError extends DomainError {}
export class ForbiddenError extends DomainError {}
/** A file whose bytes are of no type the service keeps, or not of the type its name or label claims. */
export class UnsupportedMediaTypeError extends DomainError {}

/** A row of an uploaded file that breaks a rule: the row the spreadsheet shows, the cell when one is at fault. */
export type RowIssue = {
  row: number;
  /** The column letter, when the issue is about one cell. */
  column: string | null;
  field: string | null;
  rule: string;
  message: string;
};

/**
 * An uploaded file whose rows break rules, so nothing was written. It carries the whole report
 * (each row's status, the totals, every row's issues): the answer repeats it beside the error.
 */
export class ImportRejectedError<
  R extends { errors: readonly RowIssue[] } = { errors: readonly RowIssue[] },
> extends DomainError {
  constructor(
    readonly report: R,
    /** The error's name in the answer: import_rejected, or the kind of file refused. */
    readonly code = "import_rejected",
  ) {
    const first = report.errors[0];
    const where = first
      ? `; row ${first.row}${first.column ? ` column ${first.column}` : ""}: ${first.message}`
      : "";
    super(`${report.errors.length} error(s)${where}; nothing was written`);
  }
}

/** Throws a RuleViolationError carrying every issue, worded by the first; does nothing when there are none. */
export function refuseIf(issues: readonly FieldIssue[]): void {
  if (issues.length > 0) throw new RuleViolationError(issues[0]!.message, [...issues]);
}

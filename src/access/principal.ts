// Who is calling, and what each role may do. Pure: the routes and services ask these questions.
import { ForbiddenError } from "../domain/errors.js";

export type Role = "admin" | "officer" | "viewer";

export type Principal = { keyId: string; name: string; role: Role; unitCodes: string[] };

/** The name recorded as the author of ledger entries and audit rows. */
export function actorOf(p: Principal): string {
  return `${p.role}:${p.keyId}`;
}

export function assertRole(p: Principal, allowed: readonly Role[]): void {
  if (!allowed.includes(p.role)) {
    throw new ForbiddenError(`role ${p.role} may not do this; it needs ${allowed.join(" or ")}`);
  }
}

/** Officers read only the units their key is bound to; admins and viewers read all. */
export function assertCanReadUnit(p: Principal, unitCode: string): void {
  if (p.role === "officer" && !p.unitCodes.includes(unitCode))
    throw new ForbiddenError(`this key may not read unit ${unitCode}`);
}

/** Officers post only for the units their key is bound to; admins post for all; viewers never. */
export function assertCanWriteUnit(p: Principal, unitCode: string): void {
  if (p.role === "admin") return;
  if (p.role === "officer" && p.unitCodes.includes(unitCode)) return;
  throw new ForbiddenError(
    p.role === "viewer" ? "viewer keys are read-only" : `this key may not post for unit ${unitCode}`,
  );
}

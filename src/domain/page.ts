// A page of a list read with one row more than it shows: whether a next page exists is known
// without a second query, and a full last page hands out no cursor to an empty one.

export type Page<T> = { items: T[]; nextCursor: string | null };

/** The first `limit` rows, and a cursor naming the last of them only when the extra row showed there is more. */
export function pageOf<T>(rows: readonly T[], limit: number, cursorOf: (last: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}

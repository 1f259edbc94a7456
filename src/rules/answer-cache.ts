// National answers (the at-risk list, the summary) computed once per question
// and ledger version, and served to every asker until anything an evaluation reads changes.
//
// The version is one row the database bumps in the transaction of every such change (migration
// ..._ledger_figures: entries, units, plans, requests, closings), whoever makes it. It is read
// before each answer, so a change committed on another instance, or with SQL, is seen by the next
// request here: no instance has to be told, and there is no window in which one serves an answer
// the ledger has moved past. An answer is computed after its version was read, so it is never
// older than its key (at worst newer, which the next version's key then recomputes).

export type AnswerCacheOptions = {
  /** The ledger's current version (one indexed row). */
  version: () => Promise<bigint>;
  /**
   * What the kept answers may weigh together (an answer weighs the items of its lists, about 350
   * bytes each, weightOf; anything else 1): the least recently used go first, and an answer heavier than this is
   * served but not kept. Before a question is computed, room is made for an answer as heavy as
   * the heaviest of its kind, so the default keeps one national list of 10,000 units (61,000
   * items) within the service's 160 MB heap, and lets it go before the next one is computed.
   */
  maxWeight?: number;
};

type Lists = { items?: unknown; duties?: unknown; atRisk?: unknown };

const lengthOf = (list: unknown) => (Array.isArray(list) ? list.length : 0);

/** The items of the lists an answer carries: its items and duties (a list, or a section's items), and its page's. */
function itemsIn(answer: unknown): number {
  if (typeof answer !== "object" || answer === null) return 0;
  const a = answer as Lists;
  return (
    lengthOf(a.items) +
    lengthOf(a.duties) +
    lengthOf((a.duties as Lists | undefined)?.items) +
    itemsIn(a.atRisk)
  );
}

/**
 * What an answer weighs: the items of every list it carries (an at-risk list's items and duties, a
 * page's items and duties' items, the overview's page), or 1 for an answer without one, so that
 * many small pages weigh what one whole list does.
 */
export const weightOf = (answer: unknown): number => Math.max(1, itemsIn(answer));

/**
 * A read of something the ledger version covers (a plan, the calendar, closings, requests,
 * statements, submissions, units), made once per version: `key` names what is read, whatever the
 * date asked about.
 */
export type KeepRead = <T>(key: string, read: () => Promise<T>) => Promise<T>;

/** Reads made each time: for answers as known at a moment, and where there is no cache. */
export const READ_EACH_TIME: KeepRead = (_key, read) => read();

export function createAnswerCache({ version, maxWeight = 80_000 }: AnswerCacheOptions) {
  // Insertion order is recency order: a hit is moved to the end.
  const answers = new Map<string, { answer: Promise<unknown>; weight: number; settled: boolean }>();
  let weight = 0;
  const heaviest = new Map<string, number>();
  const drop = (key: string) => {
    const kept = answers.get(key);
    if (!kept) return;
    answers.delete(key);
    weight -= kept.weight;
  };
  let newest = -1n;
  let hits = 0;
  let misses = 0;
  // What the answers of the newest version read besides the figures. Every change to any of it
  // bumps the version, so a question on a new date at the same version reads none of it again: a
  // cold national page made a dozen round trips, half of them one after another, and the duties'
  // reads waited behind the walk over the figures. Kept from after the version was read, so never
  // older than it (as the answers).
  let reads = new Map<string, Promise<unknown>>();
  const keepFor =
    (v: bigint): KeepRead =>
    <T>(key: string, read: () => Promise<T>): Promise<T> => {
      // An answer still computing for an older version reads for itself.
      if (v !== newest) return read();
      const kept = reads.get(key);
      if (kept) return kept as Promise<T>;
      const mine = reads;
      const reading = read();
      mine.set(key, reading);
      reading.catch(() => {
        if (mine.get(key) === reading) mine.delete(key);
      });
      return reading;
    };

  return {
    /**
     * The answer to `question` at the ledger's current version: the kept one, or `compute(key,
     * keep)`, whose promise every asker of the same question and version shares. `key` names both,
     * for whatever else shares work by key (the evaluation gate); `keep` makes the computation's
     * reads once per version (KeepRead). A failure is not kept. `kind` groups questions whose
     * answers weigh alike (an at-risk list on any date), to make room for them.
     */
    async get<T>(
      question: string,
      compute: (key: string, keep: KeepRead) => Promise<T>,
      kind = question,
    ): Promise<T> {
      const v = await version();
      if (v > newest) {
        // The version only grows: nothing computed or read before it can be asked for again.
        newest = v;
        answers.clear();
        weight = 0;
        reads = new Map();
      }
      const key = `${v}|${question}`;
      const kept = answers.get(key);
      if (kept) {
        hits++;
        answers.delete(key);
        answers.set(key, kept);
        return kept.answer as Promise<T>;
      }
      misses++;
      // Room first for an answer as heavy as the heaviest of its kind yet: a kept national list
      // and the next one being computed beside it must fit the heap together.
      const expected = heaviest.get(kind) ?? 0;
      for (const [k, e] of answers) {
        if (weight + expected <= maxWeight) break;
        if (e.settled) drop(k);
      }
      const answer = compute(key, keepFor(v));
      // Shared while it is computed (weight 1), then weighed; a failure is not kept.
      const entry = { answer: answer as Promise<unknown>, weight: 1, settled: false };
      answers.set(key, entry);
      weight += 1;
      answer.then(
        (value) => {
          const w = weightOf(value);
          heaviest.set(kind, Math.max(expected, w));
          if (answers.get(key) !== entry) return;
          entry.settled = true;
          weight += w - entry.weight;
          entry.weight = w;
          if (w > maxWeight) drop(key);
          while (weight > maxWeight && answers.size > 0) drop(answers.keys().next().value as string);
        },
        () => {
          if (answers.get(key) === entry) drop(key);
        },
      );
      return answer;
    },

    stats: () => ({ entries: answers.size, weight, hits, misses, version: newest, reads: reads.size }),
  };
}

export type AnswerCache = ReturnType<typeof createAnswerCache>;

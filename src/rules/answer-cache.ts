// National answers (the at-risk list, the summary, a full judgement) computed once per question
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
  /** Answers kept, the least recently used dropped first; older versions are dropped at once. */
  maxEntries?: number;
};

export function createAnswerCache({ version, maxEntries = 8 }: AnswerCacheOptions) {
  // Insertion order is recency order: a hit is moved to the end.
  const answers = new Map<string, Promise<unknown>>();
  let newest = -1n;
  let hits = 0;
  let misses = 0;

  return {
    /**
     * The answer to `question` at the ledger's current version: the kept one, or `compute(key)`,
     * whose promise every asker of the same question and version shares. `key` names both, for
     * whatever else shares work by key (the evaluation gate). A failure is not kept.
     */
    async get<T>(question: string, compute: (key: string) => Promise<T>): Promise<T> {
      const v = await version();
      if (v > newest) {
        // The version only grows: nothing computed before it can be asked for again.
        newest = v;
        answers.clear();
      }
      const key = `${v}|${question}`;
      const kept = answers.get(key);
      if (kept) {
        hits++;
        answers.delete(key);
        answers.set(key, kept);
        return kept as Promise<T>;
      }
      misses++;
      const answer = compute(key);
      answers.set(key, answer);
      answer.catch(() => {
        if (answers.get(key) === answer) answers.delete(key);
      });
      while (answers.size > maxEntries) answers.delete(answers.keys().next().value as string);
      return answer;
    },

    stats: () => ({ entries: answers.size, hits, misses, version: newest }),
  };
}

export type AnswerCache = ReturnType<typeof createAnswerCache>;

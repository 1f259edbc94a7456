// The one clock. Services, jobs and repositories take it (or its `now`) from the composition root
// (src/container.ts); only systemClock reads the machine's time, so a test or a replay can fix it.
export type Clock = { now(): Date };
export const systemClock: Clock = { now: () => new Date() };

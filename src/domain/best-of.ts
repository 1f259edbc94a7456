// The first `limit` of items handed over one at a time, in any order, by a comparator: what a
// page of a long list needs without holding or sorting the list (the at-risk money items, 60,000
// to 90,000 in a province; the duties beside them, 20,000).

/**
 * Up to `limit` best items by `compare` (smallest first). `keep` is the item as held: a copy, for
 * callers that hand over objects they reuse. The items are held in a max-heap whose top is the
 * candidate a better item pushes out.
 */
export function bestOf<T>(limit: number, compare: (a: T, b: T) => number, keep: (item: T) => T = (i) => i) {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`page limit must be a positive integer: ${limit}`);
  const heap: T[] = [];
  const above = (i: number, j: number) => compare(heap[i]!, heap[j]!) > 0;
  const swap = (i: number, j: number) => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  return {
    offer(item: T): void {
      if (heap.length < limit) {
        heap.push(keep(item));
        for (let i = heap.length - 1; i > 0; ) {
          const parent = (i - 1) >>> 1;
          if (!above(i, parent)) break;
          swap(i, parent);
          i = parent;
        }
        return;
      }
      if (compare(item, heap[0]!) >= 0) return;
      heap[0] = keep(item);
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let top = i;
        if (l < heap.length && above(l, top)) top = l;
        if (r < heap.length && above(r, top)) top = r;
        if (top === i) return;
        swap(i, top);
        i = top;
      }
    },
    /** What is held, best first. */
    sorted: (): T[] => [...heap].sort(compare),
  };
}

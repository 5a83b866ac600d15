/**
 * Runs `work` over `items` with at most `limit` at a time. After a failure no new item starts; once the items under
 * way have settled, the failure of the earliest item is thrown (the one a run one item at a time would report).
 */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const failures: { index: number; error: unknown }[] = [];
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length && failures.length === 0) {
        const index = next++;
        try {
          await work(items[index], index);
        } catch (error) {
          failures.push({ index, error });
        }
      }
    }),
  );
  if (failures.length > 0) throw failures.reduce((a, b) => (b.index < a.index ? b : a)).error;
}

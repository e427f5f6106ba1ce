/** Resolves after `ms` (tests that assert something does NOT arrive). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until no socket, server, timer or child process is left, or fails listing what is. */
export async function assertNothingLeft(baseline: string[], ms = 1000): Promise<void> {
  const deadline = Date.now() + ms;
  const count = (list: string[]) => list.reduce<Record<string, number>>((m, k) => ((m[k] = (m[k] ?? 0) + 1), m), {});
  for (;;) {
    const base = count(baseline);
    const now = count(process.getActiveResourcesInfo());
    const extra = Object.entries(now).filter(([k, n]) => k !== 'TTYWrap' && n > (base[k] ?? 0));
    if (extra.length === 0) return;
    if (Date.now() > deadline) throw new Error(`left behind: ${JSON.stringify(extra)}`);
    await new Promise((r) => setImmediate(r));
  }
}

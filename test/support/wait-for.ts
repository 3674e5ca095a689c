// Waits on a condition instead of sleeping: polls until it holds, failing with `what` after a generous bound.

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  boundMs = 30_000,
  intervalMs = 50,
  /** More to say when the wait times out, e.g. what the process under test printed. */
  detail?: () => string,
): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${boundMs} ms waiting for ${what}${detail ? `. ${detail()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** `waitFor` with the probe first: the order the durable and HTTP API tests read best in. */
export function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  return waitFor(what, probe, timeoutMs, 10);
}

/**
 * Waiting without sleeping: tests poll a condition on every turn of the event loop (setImmediate)
 * until it holds or a deadline passes. The deadline only bounds a failure; a passing test never
 * waits for it.
 */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

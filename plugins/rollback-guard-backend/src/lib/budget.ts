/**
 * Runs work that talks to something outside the backend within a time
 * budget. When the budget runs out the signal aborts the work and the answer
 * is an error saying so; the caller turns errors into `unknown` parts.
 *
 * @internal
 */
export async function withinBudget<T>(
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<
  | { ok: true; value: T; durationMs: number }
  | { ok: false; error: string; durationMs: number }
> {
  const controller = new AbortController();
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    const value = await Promise.race([work(controller.signal), timeout]);
    return { ok: true, value, durationMs: Date.now() - started };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof Error ? error.message : String(error),
      durationMs: Date.now() - started,
    };
  } finally {
    clearTimeout(timer);
  }
}

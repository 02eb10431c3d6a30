/** Exit codes: what a pipeline can branch on. */
export const EXIT = {
  ok: 0,
  /** can-i-roll-back: the risk reached --fail-on. */
  gateFailed: 1,
  /** Bad flags, unreadable files, or the backend refused the input (4xx). */
  badInput: 2,
  /** The backend could not be reached, or kept failing (5xx) after retries. */
  unavailable: 3,
} as const;

/** An error the command reports in one line and exits with its code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.badInput) {
    super(message);
    this.name = 'CliError';
  }
}

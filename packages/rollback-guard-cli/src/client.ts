import { CliError, EXIT } from './errors';
import { Io } from './io';

/** The backend's error body: `{ error: { name, message } }`. */
type ErrorBody = { error?: { name?: string; message?: string } };

export type Answer<T> = { status: number; body: T };

/**
 * The Rollback Guard backend's HTTP API with a CI token. Network errors,
 * 429 and 5xx answers are retried with backoff: every write the command
 * sends is idempotent (a deployment id, a state), so a retry never records
 * twice.
 */
export class RollbackGuardClient {
  constructor(
    private readonly options: {
      baseUrl: string;
      token: string;
      retries: number;
      retryDelayMs: number;
      io: Io;
    },
  ) {}

  static fromFlags(
    flags: { url?: string; 'token-env'?: string; retries?: string },
    io: Io,
  ): RollbackGuardClient {
    const url = flags.url ?? io.env.ROLLBACK_GUARD_URL;
    if (!url) {
      throw new CliError(
        'Where is the backend? Pass --url or set ROLLBACK_GUARD_URL, e.g. https://backstage.example.com/api/rollback-guard',
      );
    }
    if (!/^https?:\/\//.test(url)) {
      throw new CliError(`--url ${url} is not an http(s) URL`);
    }
    const tokenEnv = flags['token-env'] ?? 'ROLLBACK_GUARD_TOKEN';
    const token = io.env[tokenEnv];
    if (!token) {
      throw new CliError(
        `No token: set ${tokenEnv} to the backend's external access token for CI (docs/recording-deployments.md)`,
      );
    }
    const retries = flags.retries === undefined ? 4 : Number(flags.retries);
    if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
      throw new CliError('--retries must be a whole number from 0 to 10');
    }
    const retryDelayMs = Number(io.env.ROLLBACK_GUARD_RETRY_DELAY_MS ?? 1000);
    return new RollbackGuardClient({
      baseUrl: url.replace(/\/+$/, ''),
      token,
      retries,
      retryDelayMs: Number.isFinite(retryDelayMs) ? retryDelayMs : 1000,
      io,
    });
  }

  get<T>(path: string, query: Record<string, string | undefined>) {
    const search = new URLSearchParams(
      Object.entries(query).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    );
    return this.send<T>('GET', `${path}?${search}`);
  }

  post<T>(path: string, body: object) {
    return this.send<T>('POST', path, body);
  }

  /**
   * Sends one request, retrying what may pass later. 4xx answers are
   * returned for the caller to judge, except that 401 and 403 are raised:
   * no retry or other body makes a bad token good.
   */
  private async send<T>(
    method: string,
    path: string,
    body?: object,
  ): Promise<Answer<T | ErrorBody>> {
    const { baseUrl, token, retries, retryDelayMs, io } = this.options;
    const url = `${baseUrl}${path}`;
    let lastProblem = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        const delay = retryDelayMs * 2 ** (attempt - 1);
        io.stderr.write(
          `rollback-guard: ${lastProblem}; retrying in ${delay} ms (${attempt}/${retries})\n`,
        );
        await new Promise(resolve => setTimeout(resolve, delay));
      }
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: {
            Authorization: `Bearer ${token}`,
            ...(body ? { 'Content-Type': 'application/json' } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        const cause = (
          error as {
            cause?: { code?: string; message?: string; errors?: any[] };
          }
        ).cause;
        const reason =
          cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message;
        lastProblem = `${method} ${url} failed (${
          reason ?? (error as Error).message
        })`;
        continue;
      }
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : {};
      } catch {
        parsed = { error: { message: text.slice(0, 500) } };
      }
      if (response.status === 429 || response.status >= 500) {
        lastProblem = `${method} ${url} answered ${response.status}${
          errorMessage(parsed) ? `: ${errorMessage(parsed)}` : ''
        }`;
        continue;
      }
      if (response.status === 401 || response.status === 403) {
        throw new CliError(
          `${method} ${path} answered ${response.status}: ${
            errorMessage(parsed) ?? 'not allowed'
          }. CI needs one of the backend's external access tokens, limited to the rollback-guard plugin (docs/recording-deployments.md)`,
        );
      }
      return { status: response.status, body: parsed as T | ErrorBody };
    }
    throw new CliError(
      `${lastProblem}; gave up after ${retries + 1} attempts`,
      EXIT.unavailable,
    );
  }
}

export function errorMessage(body: unknown): string | undefined {
  return (body as ErrorBody)?.error?.message;
}

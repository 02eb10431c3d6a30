import {
  AddressGuard,
  exchange,
  ExchangeError,
} from '@rollback-guard/plugin-rollback-guard-node';
import { HealthPoint } from '@rollback-guard/plugin-rollback-guard-common';
import { PrometheusServer, PrometheusSettings } from './PrometheusConfig';

const MAX_BYTES = 8 * 1024 * 1024;

/** The documented envelope of every Prometheus HTTP API answer. */
type ApiAnswer = {
  status: 'success' | 'error';
  data?: {
    resultType: 'matrix' | 'vector' | 'scalar' | 'string';
    result: unknown;
  };
  errorType?: string;
  error?: string;
};

type MatrixSeries = {
  metric: Record<string, string>;
  values: [number, string][];
};
type VectorSample = { metric: Record<string, string>; value: [number, string] };

/**
 * Reads Prometheus's HTTP API (`/api/v1/query_range`, `/api/v1/query`) on
 * configured servers only, through the outbound guard, following no
 * redirect.
 *
 * @public
 */
export class PrometheusClient {
  constructor(
    private readonly settings: PrometheusSettings,
    private readonly guard: AddressGuard = new AddressGuard({
      allowHint:
        'set allowPrivateAddresses: true on its rollbackGuard.prometheus.servers entry if the server is meant to be internal',
    }),
  ) {}

  /** A range query: one series of (time, value), empty when there is no data. */
  async queryRange(
    server: PrometheusServer,
    query: string,
    range: { start: Date; end: Date; stepSeconds: number },
    signal?: AbortSignal,
  ): Promise<HealthPoint[]> {
    const data = await this.call(
      server,
      'query_range',
      {
        query,
        start: String(range.start.getTime() / 1000),
        end: String(range.end.getTime() / 1000),
        step: String(range.stepSeconds),
      },
      signal,
    );
    if (data.resultType !== 'matrix' || !Array.isArray(data.result)) {
      throw new Error(
        `${server.name} answered a ${data.resultType} to a range query`,
      );
    }
    return points(
      server,
      data.result as MatrixSeries[],
      series => series.values,
    );
  }

  /** An instant query: its value, undefined when there is no data. */
  async query(
    server: PrometheusServer,
    query: string,
    time: Date,
    signal?: AbortSignal,
  ): Promise<number | undefined> {
    const data = await this.call(
      server,
      'query',
      { query, time: String(time.getTime() / 1000) },
      signal,
    );
    if (data.resultType === 'scalar') {
      return Number((data.result as [number, string])[1]);
    }
    if (data.resultType !== 'vector' || !Array.isArray(data.result)) {
      throw new Error(`${server.name} answered a ${data.resultType}`);
    }
    const found = points(server, data.result as VectorSample[], s => [s.value]);
    return found[0]?.[1];
  }

  private async call(
    server: PrometheusServer,
    endpoint: 'query' | 'query_range',
    params: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<NonNullable<ApiAnswer['data']>> {
    const base = server.baseUrl.href.replace(/\/+$/, '');
    const url = new URL(`${base}/api/v1/${endpoint}`);
    const body = new URLSearchParams(params).toString();
    const authorization = this.settings.authorization(server);
    let response;
    try {
      // POST with a form body, as Prometheus documents, so that long
      // queries never hit URL length limits.
      response = await exchange(url, {
        method: 'POST',
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/x-www-form-urlencoded',
          ...(authorization ? { Authorization: authorization } : {}),
        },
        body,
        guard: this.guard,
        allowPrivateAddresses: server.allowPrivateAddresses,
        signal,
        timeoutMs: server.timeoutMs,
        maxBytes: MAX_BYTES,
        names: {
          peer: `Prometheus ${server.name} (${server.baseUrl.host})`,
          host: server.baseUrl.hostname,
          aborted: `Prometheus ${server.name} did not answer within the time budget`,
        },
      });
    } catch (error) {
      if (error instanceof ExchangeError) throw new Error(error.message);
      throw error;
    }
    const peer = `Prometheus ${server.name}`;
    if (response.status === 401 || response.status === 403) {
      throw new Error(
        `${peer} refused the credentials configured for it (HTTP ${response.status})`,
      );
    }
    if (response.truncated) {
      throw new Error(`${peer} answered more than ${MAX_BYTES} bytes`);
    }
    let answer: ApiAnswer;
    try {
      answer = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new Error(
        `${peer} answered HTTP ${response.status} without the API's JSON; is ${server.baseUrl.href} a Prometheus?`,
      );
    }
    if (answer.status !== 'success' || !answer.data) {
      throw new Error(
        `${peer} answered ${answer.errorType ?? `HTTP ${response.status}`}: ${
          answer.error ?? 'no error message'
        }`,
      );
    }
    return answer.data;
  }
}

function points<T extends { metric: Record<string, string> }>(
  server: PrometheusServer,
  result: T[],
  valuesOf: (series: T) => [number, string][],
): HealthPoint[] {
  if (result.length === 0) return [];
  if (result.length > 1) {
    throw new Error(
      `a query on ${server.name} returned ${result.length} series; aggregate it to one (e.g. sum by () (...))`,
    );
  }
  return valuesOf(result[0])
    .map(([time, value]): HealthPoint => [Number(time), Number(value)])
    .filter(([, value]) => Number.isFinite(value));
}

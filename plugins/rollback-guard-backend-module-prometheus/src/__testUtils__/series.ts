import { TestSeries, toOpenMetrics } from './testPrometheus';

/** How one version of a service behaves in the test data. */
export type Behaviour = {
  service: string;
  environment: string;
  version: string;
  /** Share of requests answered 5xx. */
  errorRate: number;
  /** `fast`: p95 about 240 ms; `slow`: about 900 ms. */
  latency: 'fast' | 'slow';
  /** Share of probes that succeed. */
  availability: number;
};

// Requests per latency bucket out of 100, cumulative (le).
const BUCKETS: Record<Behaviour['latency'], Array<[string, number]>> = {
  fast: [
    ['0.1', 60],
    ['0.25', 96],
    ['0.5', 100],
    ['1', 100],
    ['2.5', 100],
    ['+Inf', 100],
  ],
  slow: [
    ['0.1', 20],
    ['0.25', 50],
    ['0.5', 80],
    ['1', 99],
    ['2.5', 100],
    ['+Inf', 100],
  ],
};

/**
 * Deterministic series for some versions over [from, to] every 15 s: request
 * counters by status code, a latency histogram, probe results. Traffic
 * varies by interval (a fixed pattern), so the per-interval values differ as
 * they do in life.
 */
export function behaviourOpenMetrics(
  behaviours: Behaviour[],
  range: { from: number; to: number },
): string {
  const requests: TestSeries[] = [];
  const buckets: TestSeries[] = [];
  const probes: TestSeries[] = [];
  for (const b of behaviours) {
    const labels = {
      service: b.service,
      environment: b.environment,
      version: b.version,
    };
    const ok: Array<[number, number]> = [];
    const errors: Array<[number, number]> = [];
    const bucketSamples = BUCKETS[b.latency].map(
      () => [] as Array<[number, number]>,
    );
    const probeSamples: Array<[number, number]> = [];
    let okTotal = 0;
    let errorTotal = 0;
    let errorsExact = 0;
    let requestTotal = 0;
    for (let t = range.from, i = 0; t <= range.to; t += 15, i++) {
      const traffic = 200 + ((i * 37) % 60);
      // Errors accrue exactly; the counter shows whole requests.
      errorsExact += traffic * b.errorRate * (0.8 + ((i * 13) % 5) / 10);
      const failed = Math.floor(errorsExact) - errorTotal;
      errorTotal += failed;
      okTotal += traffic - failed;
      requestTotal += traffic;
      ok.push([t, okTotal]);
      errors.push([t, errorTotal]);
      const served = requestTotal;
      BUCKETS[b.latency].forEach(([, per100], k) =>
        bucketSamples[k].push([t, Math.round((served * per100) / 100)]),
      );
      // A probe fails on a fixed share of intervals.
      probeSamples.push([t, (i * 7919) % 1000 < b.availability * 1000 ? 1 : 0]);
    }
    requests.push(
      {
        name: 'http_requests_total',
        labels: { ...labels, code: '200' },
        samples: ok,
      },
      {
        name: 'http_requests_total',
        labels: { ...labels, code: '500' },
        samples: errors,
      },
    );
    BUCKETS[b.latency].forEach(([le], k) =>
      buckets.push({
        name: 'http_request_duration_seconds_bucket',
        labels: { ...labels, le },
        samples: bucketSamples[k],
      }),
    );
    probes.push({ name: 'probe_success', labels, samples: probeSamples });
  }
  return toOpenMetrics([
    { family: 'http_requests', type: 'counter', series: requests },
    {
      family: 'http_request_duration_seconds_bucket',
      type: 'gauge',
      series: buckets,
    },
    { family: 'probe_success', type: 'gauge', series: probes },
  ]);
}

/** The query set the tests configure, as an adopter would write it. */
export const TEST_QUERIES = {
  errorRate:
    'sum(rate(http_requests_total{service="${entity}",environment="${environment}",version="${version}",code=~"5.."}[1m])) / sum(rate(http_requests_total{service="${entity}",environment="${environment}",version="${version}"}[1m]))',
  latencyP95:
    'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="${entity}",environment="${environment}",version="${version}"}[1m])))',
  availability:
    'avg_over_time(probe_success{service="${entity}",environment="${environment}",version="${version}"}[1m])',
};

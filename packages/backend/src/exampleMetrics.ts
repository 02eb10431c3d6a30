/*
 * A stand-in for Prometheus, for the example backend only, so that
 * `npm start` shows health without a Prometheus: it answers Prometheus's
 * HTTP API (`/api/v1/query_range`, `/api/v1/query`, GET or form POST) from
 * example series, in the documented response shapes, errors included. The
 * Prometheus module reads it unchanged (rollbackGuard.prometheus in
 * app-config.yaml). It understands bare selectors only, e.g.
 * `example_error_ratio{service="payments-api",version="1.5.0"}`.
 */

import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import express, { Request, Response } from 'express';
import Router from 'express-promise-router';

/** How one version behaves in the example, per metric. */
type Behaviour = {
  service: string;
  environment: string;
  version: string;
  example_error_ratio: number;
  example_latency_p95_seconds: number;
  example_availability_ratio: number;
};

/**
 * payments-api's canary 1.5.0 fails (errors far above 1.4.2's);
 * recommendations-api's canary 3.2.0 behaves like 3.1.0.
 */
export const EXAMPLE_BEHAVIOURS: Behaviour[] = [
  ['payments-api', 'production', '1.5.0', 0.079, 0.31, 0.9981],
  ['payments-api', 'production', '1.4.2', 0.002, 0.18, 0.9999],
  ['payments-api', 'staging', '1.5.0', 0.003, 0.2, 0.9998],
  ['recommendations-api', 'production', '3.2.0', 0.003, 0.21, 0.9997],
  ['recommendations-api', 'production', '3.1.0', 0.003, 0.2, 0.9997],
  ['recommendations-api', 'staging', '3.2.0', 0.002, 0.19, 0.9998],
].map(([service, environment, version, errors, latency, availability]) => ({
  service: service as string,
  environment: environment as string,
  version: version as string,
  example_error_ratio: errors as number,
  example_latency_p95_seconds: latency as number,
  example_availability_ratio: availability as number,
}));

/**
 * The query set that reads these series through the Prometheus module, as
 * app-config.yaml configures it (there with `$${...}`).
 */
export const EXAMPLE_QUERIES = {
  errorRate:
    'example_error_ratio{service="${entity}",environment="${environment}",version="${version}"}',
  latencyP95:
    'example_latency_p95_seconds{service="${entity}",environment="${environment}",version="${version}"}',
  availability:
    'example_availability_ratio{service="${entity}",environment="${environment}",version="${version}"}',
};

type Metric = Exclude<keyof Behaviour, 'service' | 'environment' | 'version'>;
const METRICS: Metric[] = [
  'example_error_ratio',
  'example_latency_p95_seconds',
  'example_availability_ratio',
];

/** A deterministic wobble around the level, the same for the same time. */
function valueAt(metric: Metric, level: number, time: number, seed: number) {
  // Periods of a few minutes, so that a 10-minute mean stays near the level.
  const wobble =
    0.5 * Math.sin(time / 47 + seed) + 0.5 * Math.sin(time / 29 + 2 * seed);
  if (metric === 'example_availability_ratio') {
    return 1 - (1 - level) * (1 + 0.3 * wobble);
  }
  return level * (1 + 0.15 * wobble);
}

type Selector = { name: string; labels: Record<string, string> };

// name{label="value",...}: the only PromQL this stand-in understands.
function parseSelector(query: string): Selector | string {
  const match = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?\s*$/s.exec(
    query,
  );
  if (!match) {
    return `the example metrics source answers bare selectors only, not "${query.slice(
      0,
      80,
    )}"`;
  }
  const labels: Record<string, string> = {};
  const matcher =
    /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/gy;
  const body = match[2] ?? '';
  let consumed = 0;
  for (let m = matcher.exec(body); m; m = matcher.exec(body)) {
    labels[m[1]] = m[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    consumed = matcher.lastIndex;
    if (m[3] === '') break;
  }
  if (consumed !== body.length) {
    return `unexpected characters in the label matchers of "${query.slice(
      0,
      80,
    )}"; only label="value" is understood here`;
  }
  return { name: match[1], labels };
}

function seriesFor(selector: Selector) {
  if (!METRICS.includes(selector.name as Metric)) return [];
  const metric = selector.name as Metric;
  return EXAMPLE_BEHAVIOURS.filter(b =>
    Object.entries(selector.labels).every(
      ([k, v]) => (b as Record<string, unknown>)[k] === v,
    ),
  ).map((b, i) => ({
    labels: {
      __name__: metric,
      service: b.service,
      environment: b.environment,
      version: b.version,
    },
    at: (time: number) => valueAt(metric, b[metric], time, i + 1),
  }));
}

// Prometheus's documented error envelope.
function badData(res: Response, error: string) {
  res.status(400).json({ status: 'error', errorType: 'bad_data', error });
}

function param(req: Request, name: string): string | undefined {
  const value = req.body?.[name] ?? req.query[name];
  return typeof value === 'string' ? value : undefined;
}

function parseTime(value: string | undefined, fallback?: number) {
  if (value === undefined) return fallback;
  const parsed = /^\d/.test(value) ? Number(value) : Date.parse(value) / 1000;
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** The Prometheus HTTP API subset the health source uses. */
export function createExampleMetricsRouter() {
  const router = Router();
  router.use(express.urlencoded({ extended: false }));

  router.all('/api/v1/query_range', async (req, res) => {
    const query = param(req, 'query');
    const start = parseTime(param(req, 'start'));
    const end = parseTime(param(req, 'end'));
    const step = Number(param(req, 'step'));
    if (!query) return badData(res, 'invalid parameter "query": missing');
    if (start === undefined || end === undefined) {
      return badData(res, 'invalid parameter "start" or "end": not a time');
    }
    if (!(step > 0)) {
      return badData(
        res,
        'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    }
    if (end < start) {
      return badData(
        res,
        'invalid parameter "end": end timestamp must not be before start time',
      );
    }
    if ((end - start) / step > 11000) {
      return badData(
        res,
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      );
    }
    const selector = parseSelector(query);
    if (typeof selector === 'string') return badData(res, selector);
    const result = seriesFor(selector).map(series => {
      const values: [number, string][] = [];
      for (let t = start; t <= end; t += step) {
        values.push([t, String(series.at(t))]);
      }
      return { metric: series.labels, values };
    });
    return res.json({
      status: 'success',
      data: { resultType: 'matrix', result },
    });
  });

  router.all('/api/v1/query', async (req, res) => {
    const query = param(req, 'query');
    const at = parseTime(param(req, 'time'), Date.now() / 1000);
    if (!query) return badData(res, 'invalid parameter "query": missing');
    if (at === undefined) return badData(res, 'invalid parameter "time"');
    const selector = parseSelector(query);
    if (typeof selector === 'string') return badData(res, selector);
    const result = seriesFor(selector).map(series => ({
      metric: series.labels,
      value: [at, String(series.at(at))],
    }));
    return res.json({
      status: 'success',
      data: { resultType: 'vector', result },
    });
  });
  return router;
}

/** Serves the example metrics at /api/example-metrics (examples only). */
export const exampleMetricsPlugin = createBackendPlugin({
  pluginId: 'example-metrics',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        httpRouter.use(createExampleMetricsRouter());
        // Like a Prometheus without auth inside a cluster; examples only.
        httpRouter.addAuthPolicy({ path: '/api/v1', allow: 'unauthenticated' });
      },
    });
  },
});

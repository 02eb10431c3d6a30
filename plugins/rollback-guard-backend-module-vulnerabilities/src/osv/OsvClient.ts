import {
  AddressGuard,
  exchange,
  ExchangeError,
  ExchangeResponse,
} from '@rollback-guard/plugin-rollback-guard-node';
import { FindingSeverity } from '@rollback-guard/plugin-rollback-guard-common';
import { z } from 'zod';
import { normalizeSeverity, worseSeverity } from '../sbom/severity';
import { severityOfVector } from './cvss';

/** OSV's documented limit of queries in one `querybatch`. */
const MAX_QUERIES_PER_BATCH = 1000;
const MAX_BYTES = 16 * 1024 * 1024;
/** A `Retry-After` this short is waited out once; a longer one is `unknown`. */
const MAX_RETRY_WAIT_MS = 2000;
const MAX_PAGES = 5;

/**
 * How to reach an OSV-compatible API.
 *
 * @public
 */
export type OsvSettings = {
  baseUrl: URL;
  allowPrivateAddresses: boolean;
  timeoutMs: number;
  /** Vulnerability records read per check run, beyond those cached. */
  maxRecordLookups: number;
  /**
   * How long OSV's answer for a package is reused, in milliseconds; every
   * candidate of every entity asks about the current version's packages.
   */
  cacheMs: number;
};

/** Entries kept in each cache; the oldest go first. */
const MAX_CACHED = 20_000;

/** A map that forgets its oldest entries past `MAX_CACHED`. */
class BoundedCache<V> {
  private readonly entries = new Map<string, V>();

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V) {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > MAX_CACHED) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }
}

type VulnRef = { id: string; modified?: string };

/** Why OSV gave no usable answer, in words for a person. */
export class OsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OsvError';
  }
}

const batchAnswer = z.object({
  results: z.array(
    z
      .object({
        vulns: z
          .array(
            z.object({
              id: z.string().min(1),
              modified: z.string().optional(),
            }),
          )
          .optional(),
        next_page_token: z.string().optional(),
      })
      .passthrough(),
  ),
});

const osvRecord = z
  .object({
    id: z.string().min(1),
    modified: z.string().optional(),
    aliases: z.array(z.string()).nullish(),
    summary: z.string().optional(),
    severity: z
      .array(z.object({ type: z.string(), score: z.string() }).passthrough())
      .nullish(),
    database_specific: z.record(z.unknown()).nullish(),
    affected: z
      .array(
        z
          .object({
            database_specific: z.record(z.unknown()).nullish(),
            ecosystem_specific: z.record(z.unknown()).nullish(),
            ranges: z
              .array(
                z
                  .object({
                    events: z.array(z.record(z.string())).optional(),
                  })
                  .passthrough(),
              )
              .nullish(),
          })
          .passthrough(),
      )
      .nullish(),
    references: z
      .array(z.object({ type: z.string(), url: z.string() }).passthrough())
      .nullish(),
  })
  .passthrough();

/**
 * What OSV says about one vulnerability, as far as the check needs it.
 *
 * @public
 */
export type OsvVulnerability = {
  id: string;
  aliases: string[];
  severity: FindingSeverity;
  summary?: string;
  /** `fixed` events of its ranges. */
  fixed: string[];
  urls: string[];
};

type Cached = { modified?: string; record: OsvVulnerability };

/**
 * A client of an OSV-compatible API (`POST /v1/querybatch`,
 * `GET /v1/vulns/{id}`), under the backend's outbound address rule. It
 * caches vulnerability records by id and `modified`, as OSV's documentation
 * suggests.
 *
 * @public
 */
export class OsvClient {
  private readonly guard = new AddressGuard({
    allowHint:
      'set rollbackGuard.vulnerabilities.osv.allowPrivateAddresses: true if the OSV mirror is meant to be internal',
  });
  private readonly cache = new BoundedCache<Cached>();
  private readonly answers = new BoundedCache<{
    at: number;
    vulns: VulnRef[];
  }>();

  constructor(readonly settings: OsvSettings) {}

  /**
   * The ids of the vulnerabilities OSV knows for each package URL, in the
   * order asked (the purl carries the version).
   */
  async queryPurls(
    purls: string[],
    signal?: AbortSignal,
  ): Promise<Map<string, VulnRef[]>> {
    const found = new Map<string, VulnRef[]>();
    const now = Date.now();
    const asked: string[] = [];
    for (const purl of purls) {
      const cached = this.answers.get(purl);
      if (cached && now - cached.at < this.settings.cacheMs) {
        found.set(purl, cached.vulns);
      } else {
        asked.push(purl);
      }
    }
    const fresh = await this.ask(asked, signal);
    for (const [purl, vulns] of fresh) {
      found.set(purl, vulns);
      this.answers.set(purl, { at: now, vulns });
    }
    return found;
  }

  private async ask(
    purls: string[],
    signal?: AbortSignal,
  ): Promise<Map<string, VulnRef[]>> {
    const found = new Map<string, VulnRef[]>(purls.map(purl => [purl, []]));
    for (let i = 0; i < purls.length; i += MAX_QUERIES_PER_BATCH) {
      let pending = purls
        .slice(i, i + MAX_QUERIES_PER_BATCH)
        .map(purl => ({ purl, pageToken: undefined as string | undefined }));
      for (let page = 0; pending.length > 0; page++) {
        if (page >= MAX_PAGES) {
          throw new OsvError(
            `OSV kept paging its answer after ${MAX_PAGES} requests`,
          );
        }
        const answer = batchAnswer.safeParse(
          await this.call(
            'POST',
            '/v1/querybatch',
            {
              queries: pending.map(q => ({
                package: { purl: q.purl },
                ...(q.pageToken ? { page_token: q.pageToken } : {}),
              })),
            },
            signal,
          ),
        );
        if (!answer.success || answer.data.results.length !== pending.length) {
          throw new OsvError(
            `OSV answered /v1/querybatch without its documented shape (one result per query)`,
          );
        }
        const next: typeof pending = [];
        for (const [index, result] of answer.data.results.entries()) {
          const { purl } = pending[index];
          found.set(purl, [
            ...(found.get(purl) ?? []),
            ...(result.vulns ?? []),
          ]);
          if (result.next_page_token) {
            next.push({ purl, pageToken: result.next_page_token });
          }
        }
        pending = next;
      }
    }
    return found;
  }

  /**
   * The records of these vulnerabilities, from the cache where `modified`
   * has not moved; at most `maxRecordLookups` are read. Those left unread
   * are absent from the answer.
   */
  async records(
    ids: Array<{ id: string; modified?: string }>,
    signal?: AbortSignal,
  ): Promise<{ records: Map<string, OsvVulnerability>; unread: number }> {
    const records = new Map<string, OsvVulnerability>();
    const wanted: string[] = [];
    for (const { id, modified } of ids) {
      if (records.has(id) || wanted.includes(id)) continue;
      const cached = this.cache.get(id);
      if (cached && cached.modified === modified) {
        records.set(id, cached.record);
      } else {
        wanted.push(id);
      }
    }
    const read = wanted.slice(0, this.settings.maxRecordLookups);
    // A few at a time: OSV rate-limits bursts.
    for (let i = 0; i < read.length; i += 8) {
      await Promise.all(
        read.slice(i, i + 8).map(async id => {
          const body = await this.call(
            'GET',
            `/v1/vulns/${encodeURIComponent(id)}`,
            undefined,
            signal,
            { missingIsNull: true },
          );
          // Withdrawn or not yet published: compared by id alone.
          if (body === null) return;
          const answer = osvRecord.safeParse(body);
          if (!answer.success) {
            throw new OsvError(
              `OSV answered /v1/vulns/${id} without the OSV schema's id`,
            );
          }
          const record = toVulnerability(answer.data);
          this.cache.set(id, { modified: answer.data.modified, record });
          records.set(id, record);
        }),
      );
    }
    return { records, unread: wanted.length - read.length };
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    options: { missingIsNull?: boolean; retried?: boolean } = {},
  ): Promise<unknown> {
    const { baseUrl } = this.settings;
    const url = new URL(`${baseUrl.href.replace(/\/+$/, '')}${path}`);
    let response: ExchangeResponse;
    try {
      response = await exchange(url, {
        method,
        headers: {
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        guard: this.guard,
        allowPrivateAddresses: this.settings.allowPrivateAddresses,
        signal,
        timeoutMs: this.settings.timeoutMs,
        maxBytes: MAX_BYTES,
        names: {
          peer: `OSV (${baseUrl.host})`,
          host: baseUrl.hostname,
          aborted: 'OSV did not answer within the check’s time budget',
        },
      });
    } catch (error) {
      if (error instanceof ExchangeError) throw new OsvError(error.message);
      throw error;
    }
    if (response.status === 429) {
      const waitMs = retryAfterMs(response.headers['retry-after']);
      if (
        !options.retried &&
        waitMs !== undefined &&
        waitMs <= MAX_RETRY_WAIT_MS
      ) {
        await new Promise(resolve => setTimeout(resolve, waitMs));
        return this.call(method, path, body, signal, {
          ...options,
          retried: true,
        });
      }
      throw new OsvError(
        `OSV is rate-limiting the backend (HTTP 429)${
          waitMs !== undefined
            ? `; it asks to retry after ${Math.ceil(waitMs / 1000)} s`
            : ''
        }`,
      );
    }
    const text = response.body.toString('utf8');
    if (response.status === 404 && options.missingIsNull) return null;
    if (response.status !== 200) {
      throw new OsvError(
        `OSV answered ${
          path.startsWith('/v1/vulns/') ? path : `${method} ${path}`
        } with HTTP ${response.status}${
          errorMessage(text) ? `: ${errorMessage(text)}` : ''
        }`,
      );
    }
    if (response.truncated) {
      throw new OsvError(`OSV answered more than ${MAX_BYTES} bytes`);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new OsvError(
        `OSV answered ${path} without JSON; is ${baseUrl.href} an OSV API?`,
      );
    }
  }
}

/** Seconds, or an HTTP date, as RFC 9110 allows. */
function retryAfterMs(
  header: string | string[] | undefined,
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** OSV's errors are `{ "code": 3, "message": "..." }` (gRPC status). */
function errorMessage(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text);
    return typeof parsed?.message === 'string'
      ? parsed.message.slice(0, 300)
      : undefined;
  } catch {
    return undefined;
  }
}

function toVulnerability(record: z.infer<typeof osvRecord>): OsvVulnerability {
  // GitHub's and several distributions' records rate the vulnerability in
  // words; others carry only CVSS vectors.
  const worded = [
    record.database_specific?.severity,
    ...(record.affected ?? []).flatMap(a => [
      a.database_specific?.severity,
      a.ecosystem_specific?.severity,
    ]),
  ]
    .map(normalizeSeverity)
    .reduce(worseSeverity, 'unknown');
  const scored = (record.severity ?? [])
    .map(s => severityOfVector(s.score))
    .reduce(worseSeverity, 'unknown');
  const fixed = (record.affected ?? []).flatMap(a =>
    (a.ranges ?? []).flatMap(r =>
      (r.events ?? []).flatMap(e => (e.fixed ? [e.fixed] : [])),
    ),
  );
  const advisories = (record.references ?? [])
    .filter(r => r.type === 'ADVISORY')
    .map(r => r.url)
    .slice(0, 2);
  return {
    id: record.id,
    aliases: (record.aliases ?? []).filter(a => a !== record.id),
    severity: worded !== 'unknown' ? worded : scored,
    ...(record.summary ? { summary: record.summary } : {}),
    fixed: [...new Set(fixed)],
    urls: [
      `https://osv.dev/vulnerability/${encodeURIComponent(record.id)}`,
      ...advisories,
    ],
  };
}

#!/usr/bin/env node
/*
 * Records the example deployment histories (examples/deployments.json)
 * through the ledger API, as CI would: with the example service token, each
 * deployment and then its state changes. Run by `npm start` once the backend
 * answers; safe to run again (every write is idempotent).
 *
 *   ROLLBACK_GUARD_URL    default http://localhost:7007/api/rollback-guard
 *   ROLLBACK_GUARD_TOKEN  default the example token in app-config.yaml
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const BASE =
  process.env.ROLLBACK_GUARD_URL ?? 'http://localhost:7007/api/rollback-guard';
const TOKEN =
  process.env.ROLLBACK_GUARD_TOKEN ?? 'rollback-guard-example-ci-token';
const EXAMPLES = path.resolve(__dirname, '..', 'examples');
const DATA = path.join(EXAMPLES, 'deployments.json');
const MINUTE = 60 * 1000;
const WAIT_MS = 5 * MINUTE;

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const log = message => process.stdout.write(`[seed] ${message}\n`);

async function post(urlPath, body) {
  const response = await fetch(`${BASE}${urlPath}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text };
}

async function waitForBackend(deadline) {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${BASE}/health`)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(2000);
  }
  throw new Error(`the backend did not answer at ${BASE}/health`);
}

/** Records one deployment; 404 means the catalog has not ingested the entity yet. */
async function record(body, deadline) {
  for (;;) {
    const { status, text } = await post('/ledger/deployments', body);
    if (status === 200 || status === 201) return;
    if (status === 404 && Date.now() < deadline) {
      await sleep(2000);
      continue;
    }
    throw new Error(`recording ${body.id} answered ${status}: ${text}`);
  }
}

/**
 * Evidence as CI builds it (docs/recording-deployments.md), each item with
 * its SHA-256; the content goes only with the first deployment that lists it.
 */
function evidenceItem(entityRef, item, sent) {
  const sha256 = crypto.createHash('sha256').update(item.content).digest('hex');
  const key = `${entityRef} ${item.kind} ${item.name} ${sha256}`;
  const { content, ...rest } = item;
  if (sent.has(key)) return { ...rest, sha256 };
  sent.add(key);
  return { ...rest, sha256, content };
}

/** A version's migrations, in apply order, its API definitions and SBOMs. */
function evidenceOf(
  entityRef,
  migrations = [],
  apiDefinitions = {},
  sent,
  sboms = [],
) {
  const name = entityRef.split('/').pop();
  const read = (...parts) =>
    fs.readFileSync(path.join(EXAMPLES, ...parts), 'utf8');
  return [
    ...migrations.map(file => ({
      kind: 'migration',
      name: file,
      mediaType: 'application/sql',
      content: read('migrations', name, file),
    })),
    ...Object.entries(apiDefinitions).map(([api, file]) => ({
      kind: 'api-definition',
      name: `api:default/${api}`,
      mediaType: 'application/vnd.oai.openapi+yaml',
      content: read('apis', file),
    })),
    ...sboms.map(file => ({
      kind: 'sbom',
      name: file,
      mediaType: 'application/vnd.cyclonedx+json',
      content: read('sboms', name, file),
    })),
  ].map(item => evidenceItem(entityRef, item, sent));
}

async function main() {
  const { deployments } = JSON.parse(fs.readFileSync(DATA, 'utf8'));
  const deadline = Date.now() + WAIT_MS;
  await waitForBackend(deadline);
  const now = Date.now();
  const sent = new Set();
  for (const item of deployments) {
    const {
      startedMinutesAgo,
      durationMinutes,
      events = [],
      migrations,
      apiDefinitions,
      sboms,
      ...fields
    } = item;
    const started = now - startedMinutesAgo * MINUTE;
    const body = { ...fields, startedAt: new Date(started).toISOString() };
    if (migrations || apiDefinitions || sboms) {
      body.evidence = evidenceOf(
        item.entityRef,
        migrations,
        apiDefinitions,
        sent,
        sboms,
      );
    }
    if (durationMinutes !== undefined) {
      body.finishedAt = new Date(
        started + durationMinutes * MINUTE,
      ).toISOString();
    }
    await record(body, deadline);
    for (const { afterMinutes, ...change } of events) {
      const at = new Date(started + afterMinutes * MINUTE).toISOString();
      const { status, text } = await post(
        `/ledger/deployments/${encodeURIComponent(item.id)}/state`,
        { ...change, at },
      );
      if (status !== 200) {
        throw new Error(
          `state change of ${item.id} answered ${status}: ${text}`,
        );
      }
    }
  }
  log(
    `recorded ${deployments.length} example deployments through ${BASE}/ledger`,
  );
}

main().catch(error => {
  process.stderr.write(
    `[seed] could not record the example deployments: ${error.message}\n`,
  );
  process.exit(1);
});

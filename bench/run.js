#!/usr/bin/env node
/*
 * `npm run bench`: runs every bench/*.bench.ts in turn; each prints one line
 * per figure, `<name>: <number> <unit>`.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const files = fs
  .readdirSync(__dirname)
  .filter(name => name.endsWith('.bench.ts'))
  .sort();
let failed = false;
for (const file of files) {
  const result = spawnSync(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, file),
    ],
    { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (result.status !== 0) {
    process.stderr.write(`bench ${file} failed\n`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);

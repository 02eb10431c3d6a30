#!/usr/bin/env node
/*
 * Builds packages/app for the browser test, unless the build in
 * packages/app/dist is newer than every source file it depends on.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'packages', 'app', 'dist', 'index.html');
const SOURCES = [
  'app-config.yaml',
  'yarn.lock',
  'packages/app',
  'plugins/rollback-guard',
  'plugins/rollback-guard-common',
];

function newestMtime(target) {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

const sourcesChanged = SOURCES.reduce(
  (newest, source) => Math.max(newest, newestMtime(path.join(ROOT, source))),
  0,
);
if (fs.existsSync(DIST) && fs.statSync(DIST).mtimeMs > sourcesChanged) {
  process.stdout.write('[rollback-guard] app build is up to date\n');
  process.exit(0);
}
const result = spawnSync('yarn', ['workspace', 'app', 'build'], {
  cwd: ROOT,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);

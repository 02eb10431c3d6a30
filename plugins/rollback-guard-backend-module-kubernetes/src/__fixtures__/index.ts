import fs from 'node:fs';
import path from 'node:path';
import { KubeObject } from '../client';

/** A fresh copy of a fixture, e.g. `argo-rollouts/canary-canary-rollout`. */
export function fixture(name: string): KubeObject {
  return JSON.parse(
    fs.readFileSync(path.join(__dirname, `${name}.json`), 'utf8'),
  );
}

export const canary = () => ({
  rollout: fixture('argo-rollouts/canary-canary-rollout'),
  replicaSets: [
    fixture('argo-rollouts/canary-canary-rs'),
    fixture('argo-rollouts/canary-stable-rs'),
    fixture('argo-rollouts/canary-old-rs'),
  ],
});

export const blueGreen = () => ({
  rollout: fixture('argo-rollouts/blue-green-bluegreen-rollout'),
  replicaSets: [
    fixture('argo-rollouts/blue-green-preview-rs'),
    fixture('argo-rollouts/blue-green-active-rs'),
    fixture('argo-rollouts/blue-green-old-rs'),
  ],
});

export const nginx = () => ({
  deployment: fixture('kubernetes/nginx-deployment'),
  replicaSets: [fixture('kubernetes/nginx-rs-1'), fixture('kubernetes/nginx-rs-2')],
});

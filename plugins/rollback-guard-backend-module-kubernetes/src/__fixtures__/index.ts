import { KubeObject } from '../client';
import bgActiveRs from './argo-rollouts/blue-green-active-rs.json';
import bgRollout from './argo-rollouts/blue-green-bluegreen-rollout.json';
import bgOldRs from './argo-rollouts/blue-green-old-rs.json';
import bgPreviewRs from './argo-rollouts/blue-green-preview-rs.json';
import canaryRollout from './argo-rollouts/canary-canary-rollout.json';
import canaryRs from './argo-rollouts/canary-canary-rs.json';
import canaryOldRs from './argo-rollouts/canary-old-rs.json';
import canaryStableRs from './argo-rollouts/canary-stable-rs.json';
import podinfoCanary from './flagger/podinfo-canary.json';
import podinfoDeployment from './flagger/podinfo-deployment.json';
import podinfoPrimary from './flagger/podinfo-primary-deployment.json';
import nginxDeployment from './kubernetes/nginx-deployment.json';
import nginxRs1 from './kubernetes/nginx-rs-1.json';
import nginxRs2 from './kubernetes/nginx-rs-2.json';

/** A fresh copy, so that a test may change it. */
const copy = (object: unknown): KubeObject =>
  JSON.parse(JSON.stringify(object));

export const canary = () => ({
  rollout: copy(canaryRollout),
  replicaSets: [canaryRs, canaryStableRs, canaryOldRs].map(copy),
});

export const blueGreen = () => ({
  rollout: copy(bgRollout),
  replicaSets: [bgPreviewRs, bgActiveRs, bgOldRs].map(copy),
});

export const nginx = () => ({
  deployment: copy(nginxDeployment),
  replicaSets: [nginxRs1, nginxRs2].map(copy),
});

export const flagger = () => ({
  canary: copy(podinfoCanary),
  target: copy(podinfoDeployment),
  primary: copy(podinfoPrimary),
});

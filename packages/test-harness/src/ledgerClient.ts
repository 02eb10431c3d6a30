import { mockCredentials } from '@backstage/backend-test-utils';
import {
  CandidateReadiness,
  Deployment,
  EvidenceItem,
  ReadinessSnapshot,
} from '@rollback-guard/plugin-rollback-guard-common';
import request from 'supertest';

type Server = Parameters<typeof request>[0];

/**
 * Records a production deployment of `component:default/<entity>` through
 * the ledger API as CI would: version 1.0.0 on 1 November, any other on 2
 * November, with its evidence.
 */
export async function recordTestDeployment(
  server: Server,
  entity: string,
  version: string,
  state: 'succeeded' | 'failed',
  evidence: Array<Omit<EvidenceItem, 'kind'> & { kind?: string }> = [],
  kind: EvidenceItem['kind'] = 'migration',
): Promise<Deployment> {
  const response = await request(server)
    .post('/api/rollback-guard/ledger/deployments')
    .set('Authorization', mockCredentials.service.header())
    .send({
      id: `${entity}-${version}`,
      entityRef: `component:default/${entity}`,
      environment: 'production',
      version,
      strategy: 'rolling',
      state,
      startedAt: `2026-11-${version === '1.0.0' ? '01' : '02'}T10:00:00Z`,
      evidence: evidence.map(item => ({ kind, ...item })),
    });
  if (response.status !== 201) {
    throw new Error(`recording answered ${response.status}: ${response.text}`);
  }
  return response.body;
}

/** Runs the checks of an entity now; its first environment's best candidate. */
export async function refreshedCandidate(
  server: Server,
  entity: string,
): Promise<CandidateReadiness> {
  const response = await request(server)
    .post('/api/rollback-guard/readiness/refresh')
    .set('Authorization', mockCredentials.user.header())
    .send({ entityRef: `component:default/${entity}` });
  if (response.status !== 200) {
    throw new Error(`refresh answered ${response.status}: ${response.text}`);
  }
  return (response.body as ReadinessSnapshot).environments[0].candidates[0];
}

import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  Deployment,
  EvidenceKind,
} from '@rollback-guard/plugin-rollback-guard-common';
import { ReadinessCheckContext, StoredEvidence } from '../checks';

/**
 * What a test says about the going-back a check is asked about; everything
 * has a default.
 *
 * @public
 */
export type MockCheckContextOptions = {
  entity?: Entity;
  environment?: string;
  current?: Partial<Deployment>;
  candidate?: Partial<Deployment>;
  /** Evidence by deployment id, as the ledger would give it. */
  evidence?: Record<string, StoredEvidence[]>;
  signal?: AbortSignal;
};

const DEFAULT_ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: { 'rollback-guard/environments': 'production' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

/**
 * A `ReadinessCheckContext` for a check's unit test: going back in
 * `production` from 2.0.0 (failed) to 1.0.0 (succeeded) of
 * `component:default/payments-api`, unless the options say otherwise.
 *
 * @public
 */
export function mockCheckContext(
  options: MockCheckContextOptions = {},
): ReadinessCheckContext {
  const entity = options.entity ?? DEFAULT_ENTITY;
  const entityRef = stringifyEntityRef(entity);
  const environment = options.environment ?? 'production';
  const deployment = (
    id: string,
    version: string,
    state: Deployment['state'],
    startedAt: string,
    overrides: Partial<Deployment> = {},
  ): Deployment => ({
    id,
    entityRef,
    environment,
    version,
    strategy: 'rolling',
    state,
    startedAt,
    provider: 'ledger',
    ...overrides,
  });
  const evidence = options.evidence ?? {};
  return {
    entity,
    entityRef,
    environment,
    current: deployment(
      'current',
      '2.0.0',
      'failed',
      '2026-11-02T00:00:00Z',
      options.current,
    ),
    candidate: deployment(
      'candidate',
      '1.0.0',
      'succeeded',
      '2026-11-01T00:00:00Z',
      options.candidate,
    ),
    evidence: {
      async list(of: Deployment, kind: EvidenceKind) {
        return (evidence[of.id] ?? []).filter(item => item.kind === kind);
      },
    },
    signal: options.signal ?? new AbortController().signal,
  };
}

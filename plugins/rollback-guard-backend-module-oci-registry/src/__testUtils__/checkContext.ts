import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { Deployment } from '@rollback-guard/plugin-rollback-guard-common';
import {
  ReadinessCheck,
  ReadinessCheckContext,
  ReadinessCheckOutcome,
} from '@rollback-guard/plugin-rollback-guard-node';
import { createOciRegistryChecks } from '../createOciRegistryChecks';

/**
 * A readiness check context for going back from version 2.0.0 to
 * `version` (default 1.0.0) of `component:default/payments-api`, with the
 * candidate's artifact and the entity's annotations as given.
 *
 * @internal
 */
export function checkContext(
  options: {
    reference?: string;
    digest?: string;
    version?: string;
    annotations?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
): ReadinessCheckContext {
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments-api',
      namespace: 'default',
      annotations: {
        'rollback-guard/environments': 'production',
        ...options.annotations,
      },
    },
  };
  const deployment = (
    id: string,
    version: string,
    artifact?: Deployment['artifact'],
  ): Deployment => ({
    id,
    entityRef: 'component:default/payments-api',
    environment: 'production',
    version,
    artifact,
    strategy: 'rolling',
    state: 'succeeded',
    startedAt: '2026-11-20T10:00:00Z',
  });
  const artifact =
    options.reference !== undefined || options.digest !== undefined
      ? { reference: options.reference, digest: options.digest }
      : undefined;
  return {
    entity,
    entityRef: 'component:default/payments-api',
    environment: 'production',
    current: deployment('d-2', '2.0.0'),
    candidate: deployment('d-1', options.version ?? '1.0.0', artifact),
    evidence: { list: async () => [] },
    signal: options.signal ?? new AbortController().signal,
  };
}

/**
 * One of the registry checks, as `createOciRegistryChecks` makes it from a
 * `rollbackGuard.registries` configuration.
 *
 * @internal
 */
export function registryCheck(
  id: 'artifact-availability' | 'registry-credentials',
  registries: JsonObject[],
): ReadinessCheck {
  const checks = createOciRegistryChecks({
    config: new ConfigReader({ rollbackGuard: { registries } }),
  });
  const check = checks.find(c => c.id === id);
  if (!check) throw new Error(`No check ${id}`);
  return check;
}

/**
 * A check outcome's facts as label → value, for assertions.
 *
 * @internal
 */
export function factsOf(
  outcome: ReadinessCheckOutcome,
): Record<string, string> {
  return Object.fromEntries(
    (outcome.facts ?? []).map(({ label, value }) => [label, value]),
  );
}

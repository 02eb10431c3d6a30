import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import {
  CandidateReadiness,
  CheckResult,
} from '@rollback-guard/plugin-rollback-guard-common';
import fs from 'node:fs';
import path from 'node:path';
import {
  fakeCatalog,
  recordTestDeployment,
  refreshedCandidate,
} from '@internal/rollback-guard-test-harness';
// The module is tested in the backend plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import rollbackGuardPlugin from '@rollback-guard/plugin-rollback-guard-backend';
import vulnerabilitiesModule from '../index';

export type Server = Awaited<ReturnType<typeof startTestBackend>>['server'];

export type Sbom = {
  name: string;
  mediaType?: string;
  content?: string;
  sha256?: string;
  reference?: string;
};

export const fixture = (name: string) =>
  fs.readFileSync(
    path.join(__dirname, '..', 'sbom', '__fixtures__', name),
    'utf8',
  );

function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'rollback-guard/environments': 'production' },
    },
  };
}

/** A backend with the plugin, this module and a catalog of these entities. */
export async function startBackend(
  entities: string[],
  config: JsonObject = {},
): Promise<Server> {
  const { server } = await startTestBackend({
    features: [
      rollbackGuardPlugin,
      vulnerabilitiesModule,
      fakeCatalog({ entities: entities.map(component) }),
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  return server;
}

/** Records 1.0.0 (the candidate, succeeded) and 1.1.0 (current, failed). */
export async function deployBoth(
  server: Server,
  entity: string,
  candidate: Sbom[],
  current: Sbom[],
) {
  await recordTestDeployment(
    server,
    entity,
    '1.0.0',
    'succeeded',
    candidate,
    'sbom',
  );
  await recordTestDeployment(
    server,
    entity,
    '1.1.0',
    'failed',
    current,
    'sbom',
  );
}

export async function vulnerabilitiesCheck(
  server: Server,
  entity: string,
): Promise<{ readiness: CandidateReadiness; check: CheckResult }> {
  const readiness = await refreshedCandidate(server, entity);
  const check = readiness.checks.find(c => c.checkId === 'vulnerabilities');
  if (!check) throw new Error(`no vulnerabilities check for ${entity}`);
  return { readiness, check };
}

/** One SBOM item of a fixture, as CI attaches it. */
export function attached(
  file: string,
  mediaType?: string,
  name = file,
): Sbom[] {
  return [
    { name, ...(mediaType ? { mediaType } : {}), content: fixture(file) },
  ];
}

import { Config } from '@backstage/config';
import { ReadinessCheck } from '@rollback-guard/plugin-rollback-guard-node';
import { ArtifactAvailabilityCheck } from './artifactAvailability';
import { RegistryClient } from './registry/RegistryClient';
import { RegistryHostPolicy } from './registry/RegistryHostPolicy';
import { RegistryCredentialsCheck } from './registryCredentials';

/**
 * The readiness checks that ask the candidate's OCI registry: artifact
 * availability and registry credentials, sharing one host policy (from
 * `rollbackGuard.registries`) and one client.
 *
 * @internal
 */
export function createRegistryChecks(options: {
  config: Config;
  /** Per registry request; defaults to 5000 ms. */
  requestTimeoutMs?: number;
}): ReadinessCheck[] {
  const policy = RegistryHostPolicy.fromConfig(options.config);
  const client = new RegistryClient({
    policy,
    timeoutMs: options.requestTimeoutMs,
  });
  return [
    new ArtifactAvailabilityCheck({ client }),
    new RegistryCredentialsCheck({ client }),
  ];
}

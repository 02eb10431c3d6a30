import { Config } from '@backstage/config';
import { ReadinessCheck } from '@rollback-guard/plugin-rollback-guard-node';
import { ArtifactAvailabilityCheck } from './ArtifactAvailabilityCheck';
import { RegistryClient } from './client/RegistryClient';
import { RegistryHostPolicy } from './client/RegistryHostPolicy';
import { RegistryCredentialsCheck } from './RegistryCredentialsCheck';

/**
 * The readiness checks that ask the candidate's OCI registry: artifact
 * availability and registry credentials, sharing one host policy (from
 * `rollbackGuard.registries`) and one client.
 *
 * @public
 */
export function createOciRegistryChecks(options: {
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

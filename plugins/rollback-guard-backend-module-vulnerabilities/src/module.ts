import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  rollbackGuardChecksExtensionPoint,
  rollbackGuardEvidenceExtensionPoint,
} from '@rollback-guard/plugin-rollback-guard-node';
import { OsvClient, OsvSettings } from './osv/OsvClient';
import { sbomValidator } from './sbomValidator';
import { VulnerabilitiesCheck } from './VulnerabilitiesCheck';

const KEY = 'rollbackGuard.vulnerabilities.osv';

/** The OSV settings, or undefined when no OSV API is configured. */
export function readOsvSettings(config: Config): OsvSettings | undefined {
  const osv = config.getOptionalConfig(KEY);
  const baseUrlText = osv?.getOptionalString('baseUrl');
  if (!osv || !baseUrlText) return undefined;
  let baseUrl: URL;
  try {
    baseUrl = new URL(baseUrlText);
  } catch {
    throw new Error(`${KEY}.baseUrl is not a URL: ${baseUrlText}`);
  }
  if (baseUrl.protocol !== 'https:' && baseUrl.protocol !== 'http:') {
    throw new Error(`${KEY}.baseUrl must be an http(s) URL: ${baseUrlText}`);
  }
  const allowedHosts = osv.getOptionalStringArray('allowedHosts') ?? [
    'api.osv.dev',
  ];
  if (
    !allowedHosts
      .map(host => host.toLocaleLowerCase('en-US'))
      .includes(baseUrl.hostname.toLocaleLowerCase('en-US'))
  ) {
    throw new Error(
      `${KEY}.baseUrl names ${
        baseUrl.hostname
      }, which is not in ${KEY}.allowedHosts (${allowedHosts.join(
        ', ',
      )}); add it there if the backend may send package lists to it`,
    );
  }
  return {
    baseUrl,
    allowPrivateAddresses:
      osv.getOptionalBoolean('allowPrivateAddresses') ?? false,
    timeoutMs: osv.getOptionalNumber('timeoutMs') ?? 10_000,
    maxRecordLookups: osv.getOptionalNumber('maxRecordLookups') ?? 200,
    cacheMs: (osv.getOptionalNumber('cacheMinutes') ?? 60) * 60_000,
  };
}

/**
 * Adds the `vulnerabilities` readiness check to Rollback Guard, and makes
 * the ledger refuse an `sbom` it could not read.
 *
 * @public
 */
export const rollbackGuardModuleVulnerabilities = createBackendModule({
  pluginId: 'rollback-guard',
  moduleId: 'vulnerabilities',
  register(env) {
    env.registerInit({
      deps: {
        checks: rollbackGuardChecksExtensionPoint,
        evidence: rollbackGuardEvidenceExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ checks, evidence, config, logger }) {
        const settings = readOsvSettings(config);
        evidence.addValidator(sbomValidator);
        checks.addCheck(
          new VulnerabilitiesCheck({
            osv: settings ? new OsvClient(settings) : undefined,
          }),
        );
        logger.info(
          settings
            ? `Vulnerabilities check: OSV at ${settings.baseUrl.host}`
            : `Vulnerabilities check: no OSV API configured (${KEY}.baseUrl); only scan results attached to deployments are compared`,
        );
      },
    });
  },
});

import {
  ReadinessCheck,
  ReadinessCheckContext,
  ReadinessCheckOutcome,
} from '@rollback-guard/plugin-rollback-guard-node';
import { resolveArtifactTarget, unansweredOutcome } from './artifactTarget';
import { RegistryClient } from './client/RegistryClient';

/**
 * Whether the credentials a rollback would pull the candidate's image with
 * work now. What breaks a deployment often breaks its rollback too, an
 * expired registry credential first among them; better to learn that before
 * anyone relies on going back.
 *
 * @public
 */
export class RegistryCredentialsCheck implements ReadinessCheck {
  readonly id = 'registry-credentials';
  readonly title = 'Registry credentials';
  readonly weight = 8;
  private readonly client: RegistryClient;

  constructor(options: { client: RegistryClient }) {
    this.client = options.client;
  }

  async run(context: ReadinessCheckContext): Promise<ReadinessCheckOutcome> {
    const resolved = resolveArtifactTarget(context);
    if (!resolved.ok) return resolved.outcome;
    const target = resolved.target;
    const { host, repository } = target;
    const result = await this.client.checkCredentials(
      { host, repository },
      { signal: context.signal },
    );
    const facts = [
      { label: 'Registry', value: host },
      { label: 'Repository', value: repository },
    ];

    if (result.kind === 'ok') {
      const how =
        result.auth === 'anonymous'
          ? 'anonymous'
          : `${result.auth}, user ${result.username}${
              result.tokenService ? `, token from ${result.tokenService}` : ''
            }`;
      return {
        status: 'pass',
        summary:
          result.auth === 'anonymous'
            ? `Anonymous pulls from ${host}/${repository} work`
            : `The credentials for ${host} can pull ${repository}`,
        // We can only prove the credentials Rollback Guard holds; the pull
        // secret of the deployment target is out of our reach.
        details: `Checked just now with the credentials configured for ${host} in rollbackGuard.registries; make sure the deployment target pulls with the same ones.${
          result.repositoryFound
            ? ''
            : ` The repository ${repository} does not exist (yet).`
        }`,
        facts: [
          ...facts,
          { label: 'Authentication', value: how },
          {
            label: 'Repository found',
            value: result.repositoryFound ? 'yes' : 'no',
          },
        ],
      };
    }

    // Refused before any credentials were sent says nothing about them.
    if (result.kind === 'refused' && result.step !== 'anonymous') {
      return {
        status: 'fail',
        blocking: false,
        summary: `${host} refuses the configured credentials: a rollback could not pull ${repository}`,
        details: `${result.reason}. Failures that break a deployment often break its rollback too, an expired credential among them.`,
        facts: [...facts, { label: 'Refused at', value: result.step }],
        remediation: `Renew or rotate the credentials for ${host}, in rollbackGuard.registries and in the pull secret the deployment target uses, before relying on a rollback.`,
      };
    }
    return unansweredOutcome(result, target);
  }
}

import { CheckFact } from '@rollback-guard/plugin-rollback-guard-common';
import {
  ReadinessCheck,
  ReadinessCheckContext,
  ReadinessCheckOutcome,
} from '@rollback-guard/plugin-rollback-guard-node';
import {
  ArtifactTarget,
  resolveArtifactTarget,
  unansweredOutcome,
} from './artifactTarget';
import { ManifestResult, RegistryClient } from './client/RegistryClient';

function short(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return `${algorithm}:${hex.slice(0, 12)}…`;
}

function presentFacts(
  target: ArtifactTarget,
  askedFor: string,
  result: Extract<ManifestResult, { kind: 'present' }>,
): CheckFact[] {
  return [
    { label: 'Registry', value: target.host },
    { label: 'Repository', value: target.repository },
    { label: 'Asked for', value: askedFor },
    { label: 'Digest', value: result.digest },
    { label: 'Media type', value: result.mediaType || '(none)' },
    {
      label: 'Index',
      value: result.isIndex
        ? `yes${result.platforms ? `: ${result.platforms.join(', ')}` : ''}`
        : 'no',
    },
    { label: 'Source', value: target.source },
  ];
}

/**
 * Whether the candidate's image is still in its registry: by digest where
 * one was recorded, else by tag. A missing manifest blocks the rollback:
 * there is nothing to go back to.
 *
 * @public
 */
export class ArtifactAvailabilityCheck implements ReadinessCheck {
  readonly id = 'artifact-availability';
  readonly title = 'Artifact availability';
  readonly weight = 10;
  private readonly client: RegistryClient;

  constructor(options: { client: RegistryClient }) {
    this.client = options.client;
  }

  async run(context: ReadinessCheckContext): Promise<ReadinessCheckOutcome> {
    const resolved = resolveArtifactTarget(context);
    if (!resolved.ok) return resolved.outcome;
    const target = resolved.target;
    const { host, repository, tag, digest } = target;
    const ask = (reference: string) =>
      this.client.headManifest(
        { host, repository, reference },
        { signal: context.signal },
      );

    if (!digest) {
      const byTag = await ask(tag!);
      if (byTag.kind !== 'present') {
        return this.notPresent(byTag, target, `${repository}:${tag}`);
      }
      return {
        status: 'pass',
        summary: `${repository}:${tag} is present in ${host} as ${short(
          byTag.digest,
        )}`,
        details:
          'No digest was recorded for this deployment, so whether the tag was moved since it ran cannot be told; record artifact.digest with each deployment so that a rollback pulls exactly what ran.',
        facts: presentFacts(target, `tag ${tag}`, byTag),
      };
    }

    const byDigest = await ask(digest);
    if (byDigest.kind !== 'present') {
      return this.notPresent(byDigest, target, `${repository}@${digest}`);
    }
    const facts = presentFacts(target, digest, byDigest);
    const pass: ReadinessCheckOutcome = {
      status: 'pass',
      summary: `${short(byDigest.digest)} is present in ${host}/${repository}`,
      facts,
    };
    if (!tag) return pass;

    // A rollback that deploys by tag pulls whatever the tag names today.
    const byTag = await ask(tag);
    const byDigestRef = `${host}/${repository}@${digest}`;
    if (byTag.kind === 'present' && byTag.digest !== digest) {
      return {
        status: 'warn',
        summary: `Tag ${tag} now points to ${short(
          byTag.digest,
        )}, not the recorded ${short(digest)}`,
        details: `The image that ran is still there by digest, but rolling back to ${host}/${repository}:${tag} would deploy a different image.`,
        facts: [...facts, { label: 'Tag now points to', value: byTag.digest }],
        remediation: `Roll back by digest (${byDigestRef}), not by tag.`,
      };
    }
    if (byTag.kind === 'missing') {
      return {
        status: 'warn',
        summary: `Tag ${tag} is gone; ${short(digest)} is still present`,
        details: `Rolling back to ${host}/${repository}:${tag} would fail to pull; the image itself is still there by digest.`,
        facts: [...facts, { label: 'Tag', value: `${tag}: not found` }],
        remediation: `Roll back by digest (${byDigestRef}), or re-tag the image.`,
      };
    }
    if (byTag.kind !== 'present') {
      return {
        ...pass,
        details: `Whether tag ${tag} still names this digest could not be told: ${byTag.reason}`,
      };
    }
    return pass;
  }

  private notPresent(
    result: Exclude<ManifestResult, { kind: 'present' }>,
    target: ArtifactTarget,
    askedFor: string,
  ): ReadinessCheckOutcome {
    if (result.kind !== 'missing') return unansweredOutcome(result, target);
    return {
      status: 'fail',
      blocking: true,
      summary: `${askedFor} is gone from ${target.host}: nothing to go back to`,
      details: `${result.reason}. A rollback to this candidate would fail to pull its image.`,
      facts: [
        { label: 'Registry', value: target.host },
        { label: 'Repository', value: target.repository },
        { label: 'Asked for', value: askedFor },
        { label: 'Answer', value: result.code ?? 'HTTP 404' },
        { label: 'Source', value: target.source },
      ],
      remediation:
        'Restore or re-push the image with the same digest (from a mirror or backup), or choose another candidate; check the registry retention policy so that rollback candidates are kept.',
    };
  }
}

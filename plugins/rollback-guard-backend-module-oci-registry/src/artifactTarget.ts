import { ANNOTATION_ARTIFACT } from '@rollback-guard/plugin-rollback-guard-common';
import {
  ReadinessCheckContext,
  ReadinessCheckOutcome,
} from '@rollback-guard/plugin-rollback-guard-node';
import { RegistryFailure } from './client/RegistryClient';
import {
  digestProblem,
  parseImageReference,
  parseRepository,
  tagProblem,
} from './client/imageReference';

/**
 * The image a rollback to the candidate would pull.
 *
 * @internal
 */
export type ArtifactTarget = {
  host: string;
  repository: string;
  tag?: string;
  /** The manifest digest recorded for the candidate, if any. */
  digest?: string;
  /** Where the information came from, shown among the facts. */
  source: string;
};

const RECORD_HINT =
  'Record the deployment with artifact.reference (e.g. "registry.example.com/team/app:1.4.2") and artifact.digest';

function invalid(what: string, reason: string, remediation: string) {
  return {
    ok: false as const,
    outcome: {
      status: 'unknown' as const,
      summary: `${what} is not usable: ${reason}`,
      remediation,
    },
  };
}

/**
 * Finds the candidate's image: its recorded `artifact.reference` (with
 * `artifact.digest`), else the entity's `rollback-guard/artifact`
 * repository with the candidate's version as tag. Parsing is strict; a bad
 * value is an `unknown` outcome that says what to fix.
 *
 * @internal
 */
export function resolveArtifactTarget(
  context: Pick<ReadinessCheckContext, 'entity' | 'candidate'>,
):
  | { ok: true; target: ArtifactTarget }
  | { ok: false; outcome: ReadinessCheckOutcome } {
  const { candidate, entity } = context;
  const recordedDigest = candidate.artifact?.digest;
  if (recordedDigest !== undefined) {
    const problem = digestProblem(recordedDigest);
    if (problem) {
      return invalid(
        `The artifact.digest recorded for version ${candidate.version}`,
        problem,
        RECORD_HINT,
      );
    }
  }

  const reference = candidate.artifact?.reference;
  if (reference !== undefined) {
    const parsed = parseImageReference(reference);
    if (!parsed.ok) {
      return invalid(
        `The artifact.reference recorded for version ${candidate.version}`,
        parsed.reason,
        RECORD_HINT,
      );
    }
    const { host, repository, tag, digest } = parsed.value;
    if (digest && recordedDigest && digest !== recordedDigest) {
      return invalid(
        `The artifact recorded for version ${candidate.version}`,
        `its reference names ${digest} but its digest is ${recordedDigest}`,
        `${RECORD_HINT}, naming the same digest in both.`,
      );
    }
    if (!tag && !digest && !recordedDigest) {
      return invalid(
        `The artifact.reference recorded for version ${candidate.version}`,
        `"${reference}" names no tag or digest, so the image it meant cannot be told`,
        RECORD_HINT,
      );
    }
    return {
      ok: true,
      target: {
        host,
        repository,
        tag,
        digest: digest ?? recordedDigest,
        source: 'artifact.reference of the recorded deployment',
      },
    };
  }

  const annotation = entity.metadata.annotations?.[ANNOTATION_ARTIFACT];
  if (annotation === undefined) {
    return {
      ok: false,
      outcome: {
        status: 'unknown',
        summary: `No artifact is known for version ${candidate.version}`,
        details:
          'The deployment was recorded without artifact.reference, and the entity has no rollback-guard/artifact annotation, so there is no image to look for.',
        remediation: `${RECORD_HINT}, or set the ${ANNOTATION_ARTIFACT} annotation to the image repository (e.g. "registry.example.com/team/app"); the version is then used as tag.`,
      },
    };
  }
  const path = annotation.slice(annotation.indexOf('/') + 1);
  const parsed: ReturnType<typeof parseRepository> =
    annotation.includes('/') && /[@:]/.test(path)
      ? {
          ok: false,
          reason: `"${annotation}" names a tag or digest; the version comes from each deployment`,
        }
      : parseRepository(annotation);
  if (!parsed.ok) {
    return invalid(
      `The ${ANNOTATION_ARTIFACT} annotation`,
      parsed.reason,
      `Set ${ANNOTATION_ARTIFACT} to the image repository without tag or digest, e.g. "registry.example.com/team/app".`,
    );
  }
  const problem = tagProblem(candidate.version);
  if (problem) {
    return invalid(
      `Version ${candidate.version} as an image tag`,
      problem,
      `${RECORD_HINT}, since the version cannot serve as tag.`,
    );
  }
  return {
    ok: true,
    target: {
      ...parsed.value,
      tag: candidate.version,
      digest: recordedDigest,
      source: `${ANNOTATION_ARTIFACT} annotation, version as tag`,
    },
  };
}

function refusedRemediation(
  failure: Extract<RegistryFailure, { kind: 'refused' }>,
): string {
  if (failure.step !== 'anonymous') {
    return 'Renew the credentials for this registry in rollbackGuard.registries; the registry credentials check says more.';
  }
  return failure.credentialsConfigured
    ? 'The registry refused the backend before asking for credentials; check its access rules (for example an IP allow-list).'
    : 'Add a username and password for this registry in rollbackGuard.registries.';
}

/**
 * The `unknown` outcome for a registry that could not answer, shared by the
 * registry checks so that they explain the same failure the same way.
 *
 * @internal
 */
export function unansweredOutcome(
  failure: RegistryFailure,
  target: ArtifactTarget,
): ReadinessCheckOutcome {
  const facts = [
    { label: 'Registry', value: target.host },
    { label: 'Repository', value: target.repository },
  ];
  switch (failure.kind) {
    case 'not-allowed':
      return {
        status: 'unknown',
        summary: `Rollback Guard may not contact ${target.host}`,
        details: failure.reason,
        facts,
        remediation:
          'If this registry is meant to be checked, add it to rollbackGuard.registries (with allowPrivateAddresses: true only for an internal registry).',
      };
    case 'unreachable':
      return {
        status: 'unknown',
        summary: `The registry ${target.host} could not be reached`,
        details: failure.reason,
        facts,
        remediation:
          'Check that the registry is up and reachable from the Backstage backend; a rollback would need it too.',
      };
    case 'refused':
      return {
        status: 'unknown',
        summary: `The registry ${target.host} refused Rollback Guard (${failure.step})`,
        details: failure.reason,
        facts: [...facts, { label: 'Refused at', value: failure.step }],
        remediation: refusedRemediation(failure),
      };
    default:
      return {
        status: 'unknown',
        summary: `The registry ${target.host} gave an answer Rollback Guard does not understand`,
        details: failure.reason,
        facts,
        remediation:
          'Check that the host is an OCI distribution registry and that no proxy rewrites its answers.',
      };
  }
}

/**
 * How a deployment moves traffic from the old version to the new one.
 *
 * @public
 */
export type DeploymentStrategy =
  | 'blue-green'
  | 'canary'
  | 'rolling'
  | 'recreate';

/**
 * @public
 */
export const DEPLOYMENT_STRATEGIES: readonly DeploymentStrategy[] = [
  'blue-green',
  'canary',
  'rolling',
  'recreate',
];

/**
 * Where a deployment stands.
 *
 * @public
 */
export type DeploymentState =
  | 'pending'
  | 'progressing'
  | 'paused'
  | 'succeeded'
  | 'failed'
  | 'aborted'
  | 'rolled-back';

/**
 * @public
 */
export const DEPLOYMENT_STATES: readonly DeploymentState[] = [
  'pending',
  'progressing',
  'paused',
  'succeeded',
  'failed',
  'aborted',
  'rolled-back',
];

/**
 * The states a deployment can no longer leave, but for `rolled-back`.
 *
 * @public
 */
export const FINISHED_DEPLOYMENT_STATES: readonly DeploymentState[] = [
  'succeeded',
  'failed',
  'aborted',
  'rolled-back',
];

/**
 * The state changes the ledger accepts. A deployment that succeeded or failed
 * can still be rolled back later; nothing leaves `aborted` or `rolled-back`.
 * Staying in `progressing` or `paused` is allowed, to report progress.
 *
 * @public
 */
export const DEPLOYMENT_TRANSITIONS: Readonly<
  Record<DeploymentState, readonly DeploymentState[]>
> = {
  pending: [
    'pending',
    'progressing',
    'paused',
    'succeeded',
    'failed',
    'aborted',
  ],
  progressing: [
    'progressing',
    'paused',
    'succeeded',
    'failed',
    'aborted',
    'rolled-back',
  ],
  paused: [
    'paused',
    'progressing',
    'succeeded',
    'failed',
    'aborted',
    'rolled-back',
  ],
  succeeded: ['succeeded', 'rolled-back'],
  failed: ['failed', 'rolled-back'],
  aborted: ['aborted'],
  'rolled-back': ['rolled-back'],
};

/**
 * The kinds of evidence CI can attach to a deployment.
 *
 * @public
 */
export type EvidenceKind = 'migration' | 'api-definition' | 'sbom';

/**
 * @public
 */
export const EVIDENCE_KINDS: readonly EvidenceKind[] = [
  'migration',
  'api-definition',
  'sbom',
];

/**
 * The kinds of API definition Rollback Guard compares, as the catalog's API
 * entities name them in `spec.type`.
 *
 * @public
 */
export type ApiDefinitionType = 'openapi' | 'graphql' | 'asyncapi' | 'grpc';

/**
 * @public
 */
export const API_DEFINITION_TYPES: readonly ApiDefinitionType[] = [
  'openapi',
  'graphql',
  'asyncapi',
  'grpc',
];

/**
 * The media type of an API definition of this type; JSON or YAML by the
 * content's first character.
 *
 * @public
 */
export function apiDefinitionMediaType(
  type: ApiDefinitionType,
  content: string,
): string {
  const json = content.trimStart().startsWith('{');
  switch (type) {
    case 'openapi':
      return `application/vnd.oai.openapi${json ? '+json' : '+yaml'}`;
    case 'asyncapi':
      return `application/vnd.aai.asyncapi${json ? '+json' : '+yaml'}`;
    case 'graphql':
      return 'application/graphql';
    default:
      return 'text/x-protobuf';
  }
}

/**
 * The API definition type a media type names, or undefined for another.
 *
 * @public
 */
export function apiDefinitionTypeOf(
  mediaType: string | undefined,
): ApiDefinitionType | undefined {
  const base = mediaType?.split(';')[0].trim().toLocaleLowerCase('en-US');
  if (!base) return undefined;
  if (base.startsWith('application/vnd.oai.openapi')) return 'openapi';
  if (base.startsWith('application/vnd.aai.asyncapi')) return 'asyncapi';
  if (base === 'application/graphql') return 'graphql';
  if (base === 'application/x-protobuf' || base === 'text/x-protobuf') {
    return 'grpc';
  }
  return undefined;
}

/**
 * Where an evidence item came from: absent when CI attached it; `catalog-snapshot`
 * when the backend copied the catalog's API definition as the deployment was
 * recorded without one (lower confidence: the catalog may have moved on
 * before or after the version shipped).
 *
 * @public
 */
export type EvidenceOrigin = 'catalog-snapshot';

/**
 * A piece of evidence attached to a deployment: a migration file, an API
 * definition, or an SBOM (inline, or as a reference to where it is stored).
 * The ledger keeps each content once per entity, by its SHA-256: an item
 * whose name and `sha256` an earlier deployment of the entity stored may be
 * recorded without its content.
 *
 * @public
 */
export type EvidenceItem = {
  kind: EvidenceKind;
  /** File name or identifier, e.g. `20261101_add_refunds.sql` or `payments-api`. */
  name: string;
  /** e.g. `application/sql`, `application/vnd.oai.openapi+yaml`, `application/vnd.cyclonedx+json`. */
  mediaType?: string;
  /** The evidence itself; absent when only a reference is kept, or when stored before. */
  content?: string;
  /** Lowercase hex SHA-256 of the content's UTF-8 bytes. */
  sha256?: string;
  /** Where the evidence is stored, e.g. an OCI reference for an SBOM. */
  reference?: string;
  /** Absent when CI attached it. */
  origin?: EvidenceOrigin;
};

/**
 * What the deployment read API says about an evidence item, without its content.
 *
 * @public
 */
export type EvidenceSummary = {
  kind: EvidenceKind;
  name: string;
  mediaType?: string;
  sha256?: string;
  reference?: string;
  origin?: EvidenceOrigin;
  sizeBytes: number;
};

/**
 * One version of an entity rolled out to one environment.
 *
 * @public
 */
export type Deployment = {
  /** Chosen by the client that records it; a replayed write with the same id changes nothing. */
  id: string;
  entityRef: string;
  environment: string;
  version: string;
  artifact?: {
    /** The OCI reference, e.g. `registry.example.com/team/app:1.4.2`. */
    reference?: string;
    /** The manifest digest, e.g. `sha256:...`. */
    digest?: string;
  };
  strategy: DeploymentStrategy;
  state: DeploymentState;
  /** How far the rollout has got, 0 to 100 (rolling: instances updated). */
  progressPercent?: number;
  /** Share of traffic on the new version, 0 to 100 (canary, blue-green). */
  trafficPercent?: number;
  sourceCommit?: string;
  triggeredBy?: string;
  /** ISO 8601 timestamps. */
  startedAt: string;
  finishedAt?: string;
  /** The provider the deployment was read from, e.g. `ledger`. */
  provider?: string;
  evidence?: EvidenceSummary[];
};

/**
 * How one provider answered for one request: `unknown` when it failed or did
 * not answer within its time budget, with the reason.
 *
 * @public
 */
export type ProviderPart = {
  provider: string;
  title: string;
  status: 'ok' | 'unknown';
  reason?: string;
  durationMs: number;
};

/**
 * An entity's rollout status: the current deployment in each environment.
 *
 * @public
 */
export type RolloutStatus = {
  entityRef: string;
  /**
   * The environments the entity declares, in its order, then any other
   * environment a provider reported.
   */
  environments: Array<{
    environment: string;
    current?: Deployment;
    /**
     * While `current` is still rolling out (pending, progressing, paused):
     * the newest earlier deployment that succeeded, i.e. the version the rest
     * of the traffic is on.
     */
    stable?: Deployment;
    /**
     * When `current` no longer runs (it was aborted or rolled back): the
     * newest earlier deployment that succeeded, i.e. the version that serves
     * the environment now.
     */
    runs?: Deployment;
  }>;
  sources: ProviderPart[];
};

/**
 * A page of an entity's deployment history, newest first.
 *
 * @public
 */
export type DeploymentHistoryPage = {
  entityRef: string;
  items: Deployment[];
  /** Pass as `cursor` to get the next, older page; absent on the last page. */
  nextCursor?: string;
  sources: ProviderPart[];
};

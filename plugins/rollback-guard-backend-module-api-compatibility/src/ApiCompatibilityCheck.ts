import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_API_CONSUMED_BY,
  RELATION_CONSUMES_API,
  RELATION_PROVIDES_API,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  API_DEFINITION_TYPES,
  ApiDefinitionType,
  apiDefinitionTypeOf,
  CheckFact,
  CheckFinding,
  CheckStatus,
} from '@rollback-guard/plugin-rollback-guard-common';
import {
  ReadinessCheck,
  ReadinessCheckContext,
  ReadinessCheckOutcome,
  StoredEvidence,
} from '@rollback-guard/plugin-rollback-guard-node';
import { ApiChange, compareApiDefinitions } from './compare';

const WORST: CheckStatus[] = ['fail', 'unknown', 'warn', 'pass'];

/** What one API contributes to the check's answer. */
type ApiPart = {
  status: CheckStatus;
  summary: string;
  findings: CheckFinding[];
  facts: CheckFact[];
  remediation?: string;
};

function relationTargets(entity: Entity, type: string): string[] {
  return [
    ...new Set(
      (entity.relations ?? [])
        .filter(relation => relation.type === type)
        .map(relation => relation.targetRef),
    ),
  ];
}

function hasApiRelations(entity: Entity): boolean {
  return (entity.relations ?? []).some(
    r => r.type === RELATION_PROVIDES_API || r.type === RELATION_CONSUMES_API,
  );
}

/** An API's definition among a deployment's evidence: by entity ref or name. */
function definitionOf(
  items: StoredEvidence[],
  apiRef: string,
): StoredEvidence | undefined {
  const { name } = parseEntityRef(apiRef);
  return (
    items.find(item => item.name === apiRef) ??
    items.find(item => item.name === name)
  );
}

function displayName(entityRef: string): string {
  return parseEntityRef(entityRef).name;
}

function joinNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function origin(item: StoredEvidence): string {
  return item.origin === 'catalog-snapshot'
    ? 'from a catalog snapshot taken when it was recorded (lower confidence)'
    : 'attached by CI';
}

/** "removes POST /refunds" for a removal, else the change's own message. */
function describe(change: ApiChange): string {
  if (/removed/.test(change.id) && change.operation) {
    return `removes ${change.operation}`;
  }
  return `changes it: ${change.message}`;
}

/**
 * What the entity's API consumers lose if it goes back, and what the
 * candidate would meet in the APIs it consumes today. Definitions come from
 * the evidence of each deployment: attached by CI, or else snapshotted from
 * the catalog when the deployment was recorded.
 *
 * @public
 */
export class ApiCompatibilityCheck implements ReadinessCheck {
  readonly id = 'api-compatibility';
  readonly title = 'API compatibility';
  readonly weight = 7;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      /** Also judge the APIs the entity consumes; default true. */
      consumedApis?: boolean;
    },
  ) {}

  appliesTo(context: Pick<ReadinessCheckContext, 'entity'>) {
    return hasApiRelations(context.entity);
  }

  async run(context: ReadinessCheckContext): Promise<ReadinessCheckOutcome> {
    const provided = relationTargets(context.entity, RELATION_PROVIDES_API);
    const consumed =
      this.options.consumedApis === false
        ? []
        : relationTargets(context.entity, RELATION_CONSUMES_API).filter(
            ref => !provided.includes(ref),
          );
    const [now, then, apis] = await Promise.all([
      context.evidence.list(context.current, 'api-definition'),
      context.evidence.list(context.candidate, 'api-definition'),
      this.apiEntities([...provided, ...consumed]),
    ]);
    const version = context.candidate.version;
    const parts = await Promise.all([
      ...provided.map(ref =>
        this.providedPart(ref, apis.get(ref), now, then, version),
      ),
      ...consumed.map(ref =>
        this.consumedPart(ref, apis.get(ref), then, version),
      ),
    ]);
    return this.outcome(parts, version);
  }

  private async apiEntities(refs: string[]): Promise<Map<string, Entity>> {
    if (refs.length === 0) return new Map();
    const { items } = await this.options.catalog.getEntitiesByRefs(
      { entityRefs: refs },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    return new Map(
      items.flatMap(entity =>
        entity ? [[stringifyEntityRef(entity), entity] as const] : [],
      ),
    );
  }

  /** Base: the current version's definition; revision: the candidate's. */
  private async providedPart(
    ref: string,
    api: Entity | undefined,
    now: StoredEvidence[],
    then: StoredEvidence[],
    version: string,
  ): Promise<ApiPart> {
    const name = displayName(ref);
    const current = definitionOf(now, ref);
    const candidate = definitionOf(then, ref);
    let missing = '';
    if (!candidate) missing = version;
    else if (!current) missing = 'the current version';
    if (missing || !current?.content || !candidate?.content) {
      return unknownPart(
        `No definition of ${name} for ${
          missing || 'one of the versions'
        }: neither attached by CI nor snapshotted from the catalog when it was recorded`,
        'Attach the API definitions to each deployment in CI (docs/recording-deployments.md).',
      );
    }
    const consumers = api ? relationTargets(api, RELATION_API_CONSUMED_BY) : [];
    const compared = await this.compare(
      name,
      typeOf(current, api),
      current.content,
      candidate.content,
    );
    if ('unknown' in compared) return compared.unknown;
    const facts: CheckFact[] = [
      { label: `${name}: current definition`, value: origin(current) },
      { label: `${name}: definition of ${version}`, value: origin(candidate) },
      {
        label: `${name}: consumers`,
        value: consumers.length
          ? consumers.map(displayName).join(', ')
          : 'none known',
      },
    ];
    const errors = compared.changes.filter(c => c.level === 'error');
    const warnings = compared.changes.filter(c => c.level === 'warning');
    const errorStatus: CheckStatus = consumers.length > 0 ? 'fail' : 'warn';
    const findings = [...errors, ...warnings].map(change =>
      finding(change, name, change.level === 'error' ? errorStatus : 'warn', {
        entityRefs: change.level === 'error' ? consumers : undefined,
        sourceRef: ref,
      }),
    );
    const more = (n: number) =>
      n > 0 ? ` and ${n} more breaking change${n === 1 ? '' : 's'}` : '';
    if (errors.length > 0) {
      const who = consumers.length
        ? `, which ${joinNames(consumers.map(displayName))} consume${
            consumers.length === 1 ? 's' : ''
          }`
        : ` of ${name}; no consumer of it is known in the catalog`;
      return {
        status: errorStatus,
        summary: `going back to ${version} ${describe(errors[0])}${who}${more(
          errors.length - 1,
        )}`,
        findings,
        facts,
        remediation: `Consumers of ${name} may already rely on what ${version} lacks: check with their owners before going back, or fix forward.`,
      };
    }
    if (warnings.length > 0) {
      return {
        status: 'warn',
        summary: `going back to ${version} changes ${name}: ${warnings[0].message}`,
        findings,
        facts,
        remediation: `Read the warnings of ${name} before going back.`,
      };
    }
    return {
      status: 'pass',
      summary: `${name} loses nothing its consumers use in ${version}`,
      findings,
      facts,
    };
  }

  /** Base: the API as the candidate was deployed against it; revision: today's. */
  private async consumedPart(
    ref: string,
    api: Entity | undefined,
    then: StoredEvidence[],
    version: string,
  ): Promise<ApiPart> {
    const name = displayName(ref);
    const candidate = definitionOf(then, ref);
    const today = api?.spec?.definition;
    if (!candidate?.content || typeof today !== 'string') {
      return unknownPart(
        !candidate?.content
          ? `No definition of the consumed API ${name} as ${version} was deployed against it`
          : `The catalog holds no definition of the consumed API ${name}`,
        'Attach the definitions of consumed APIs to each deployment in CI, or keep them in the catalog.',
      );
    }
    const compared = await this.compare(
      name,
      typeOf(candidate, api),
      candidate.content,
      today,
    );
    if ('unknown' in compared) return compared.unknown;
    const breaking = compared.changes.filter(c => c.level !== 'info');
    const facts: CheckFact[] = [
      {
        label: `${name} (consumed): definition of ${version}`,
        value: origin(candidate),
      },
    ];
    const findings = breaking.map(change =>
      finding(
        change,
        `${name} (consumed)`,
        change.level === 'error' ? 'fail' : 'warn',
        { sourceRef: ref },
      ),
    );
    const firstError = breaking.find(c => c.level === 'error');
    if (breaking.length === 0) {
      return {
        status: 'pass',
        summary: `${name} still offers what ${version} was built against`,
        findings,
        facts,
      };
    }
    return {
      status: firstError ? 'fail' : 'warn',
      summary: `${version} was deployed against an older ${name}; today's ${
        firstError ? firstError.message : breaking[0].message
      }`,
      findings,
      facts,
      remediation: `${version} may not talk to today's ${name}: check what it calls, or fix forward.`,
    };
  }

  private async compare(
    name: string,
    type: ApiDefinitionType | undefined,
    from: string,
    to: string,
  ): Promise<{ changes: ApiChange[] } | { unknown: ApiPart }> {
    if (!type) {
      return {
        unknown: unknownPart(
          `The type of ${name}'s definition is not one this check compares (openapi, graphql, asyncapi, grpc)`,
          `Give ${name} a spec.type of openapi, graphql, asyncapi or grpc, or attach it with its media type.`,
        ),
      };
    }
    try {
      return { changes: await compareApiDefinitions({ type, from, to }) };
    } catch (error) {
      return {
        unknown: unknownPart(
          `The definition of ${name} could not be read: ${
            (error as Error).message
          }`,
          `Fix the definition of ${name} (it must parse as ${type}).`,
        ),
      };
    }
  }

  private outcome(parts: ApiPart[], version: string): ReadinessCheckOutcome {
    const ordered = [...parts].sort(
      (a, b) => WORST.indexOf(a.status) - WORST.indexOf(b.status),
    );
    const worst = ordered[0];
    const findings = ordered.flatMap(part => part.findings);
    const facts = parts.flatMap(part => part.facts);
    if (!worst) {
      return { status: 'pass', summary: 'No API to compare' };
    }
    const summary =
      worst.status === 'pass'
        ? `No API loses anything its consumers use in ${version}`
        : worst.summary.charAt(0).toUpperCase() + worst.summary.slice(1);
    const snapshot = facts.some(fact =>
      fact.value.includes('catalog snapshot'),
    );
    return {
      status: worst.status,
      summary,
      ...(snapshot
        ? {
            details:
              'Some definitions come from catalog snapshots taken when the deployments were recorded, not from CI: the catalog may have changed before or after the version shipped.',
          }
        : {}),
      facts,
      findings,
      ...(worst.remediation ? { remediation: worst.remediation } : {}),
    };
  }
}

function typeOf(
  item: StoredEvidence,
  api: Entity | undefined,
): ApiDefinitionType | undefined {
  const byMediaType = apiDefinitionTypeOf(item.mediaType);
  if (byMediaType) return byMediaType;
  const type = api?.spec?.type;
  return typeof type === 'string' &&
    (API_DEFINITION_TYPES as readonly string[]).includes(type)
    ? (type as ApiDefinitionType)
    : undefined;
}

function unknownPart(summary: string, remediation: string): ApiPart {
  return { status: 'unknown', summary, findings: [], facts: [], remediation };
}

function finding(
  change: ApiChange,
  source: string,
  status: CheckStatus,
  extra: { entityRefs?: string[]; sourceRef?: string } = {},
): CheckFinding {
  return {
    rule: change.id,
    status,
    message: change.message,
    source,
    ...(extra.sourceRef ? { sourceRef: extra.sourceRef } : {}),
    ...(change.operation || change.path
      ? { code: change.operation ?? change.path }
      : {}),
    ...(extra.entityRefs?.length ? { entityRefs: extra.entityRefs } : {}),
  };
}

import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import {
  ANNOTATION_ENVIRONMENTS,
  DEPLOYMENT_TRANSITIONS,
  Deployment,
  EvidenceItem,
  FINISHED_DEPLOYMENT_STATES,
  parseAnnotationList,
} from '@rollback-guard/plugin-rollback-guard-common';
import { DeploymentStore } from '../database/DeploymentStore';
import { EntityReader } from '../entities/EntityReader';
import { RecordDeploymentBody, StateChangeBody } from './schemas';
import { catalogApiSnapshot } from './apiSnapshot';
import { sha256Hex } from '../lib/sha256';
import { EvidenceValidators } from './EvidenceValidators';
import { DeploymentChanges } from './DeploymentChanges';

/**
 * Evidence over the configured size limit: refused whole, never truncated.
 *
 * @internal
 */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  statusCode = 413;
}

/** How far ahead of the backend's clock a reported time may be. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

// The fields that identify what was deployed; a replay must not change them.
const IDENTITY_FIELDS = [
  'entityRef',
  'environment',
  'version',
  'strategy',
  'sourceCommit',
] as const;

/**
 * The write side of the deployment ledger: CI records deployments and their
 * state changes; every write is idempotent on the client-chosen id.
 *
 * @internal
 */
export class LedgerService {
  constructor(
    private readonly options: {
      store: DeploymentStore;
      entities: EntityReader;
      auth: AuthService;
      maxEvidenceBytes: number;
      /** Refuse content no check could read (e.g. a malformed SBOM). */
      validators?: EvidenceValidators;
      /**
       * Told of every recorded deployment and state change, e.g. to verify
       * an executing action; a failure there never fails the write.
       */
      changes?: DeploymentChanges;
      logger?: LoggerService;
      now?: () => Date;
    },
  ) {}

  private async changed(deployment: Deployment): Promise<void> {
    await this.options.changes?.publish(deployment);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /**
   * A time CI reports may be a little ahead of ours (clock skew), never
   * more: a deployment dated in the future would stay "current" over every
   * real one recorded until then.
   */
  private notInTheFuture(field: string, at: string | undefined) {
    if (at && Date.parse(at) > this.now().getTime() + MAX_CLOCK_SKEW_MS) {
      throw new InputError(
        `Invalid body: body.${field}: ${at} is more than ${
          MAX_CLOCK_SKEW_MS / 60_000
        } minutes in the future`,
      );
    }
  }

  async recordDeployment(
    input: RecordDeploymentBody,
  ): Promise<{ deployment: Deployment; created: boolean }> {
    const evidenceBytes = input.evidence.reduce(
      (sum, item) => sum + Buffer.byteLength(item.content ?? '', 'utf8'),
      0,
    );
    if (evidenceBytes > this.options.maxEvidenceBytes) {
      throw new PayloadTooLargeError(
        `Evidence of deployment ${input.id} is ${evidenceBytes} bytes, over the limit of ${this.options.maxEvidenceBytes} bytes (rollbackGuard.ledger.maxEvidenceBytes); attach large files by reference instead`,
      );
    }

    // The ledger is written by services (CI); it reads the catalog as itself.
    const { entity, entityRef } = await this.options.entities.getEntity(
      input.entityRef,
      await this.options.auth.getOwnServiceCredentials(),
    );
    checkEnvironment(entity, input.environment);

    this.notInTheFuture('startedAt', input.startedAt);
    this.notInTheFuture('finishedAt', input.finishedAt);
    const startedAt = input.startedAt ?? this.now().toISOString();
    const deployment: Deployment = {
      id: input.id,
      entityRef,
      environment: input.environment,
      version: input.version,
      ...(input.artifact ? { artifact: input.artifact } : {}),
      strategy: input.strategy,
      state: input.state,
      ...(input.progressPercent !== undefined
        ? { progressPercent: input.progressPercent }
        : {}),
      ...(input.trafficPercent !== undefined
        ? { trafficPercent: input.trafficPercent }
        : {}),
      ...(input.sourceCommit ? { sourceCommit: input.sourceCommit } : {}),
      ...(input.triggeredBy ? { triggeredBy: input.triggeredBy } : {}),
      startedAt,
      // When a finished deployment is recorded after the fact without its
      // end, its duration is unknown, not zero.
      ...(input.finishedAt ? { finishedAt: input.finishedAt } : {}),
    };
    if (
      deployment.finishedAt &&
      Date.parse(deployment.finishedAt) < Date.parse(startedAt)
    ) {
      throw new InputError(
        `Invalid body: body.finishedAt: ${deployment.finishedAt} is before startedAt ${startedAt}`,
      );
    }

    this.options.validators?.check(input.evidence);
    const evidence = await this.resolveEvidence(entityRef, input.evidence);
    const snapshot = await catalogApiSnapshot({
      entity,
      attached: evidence,
      entities: this.options.entities,
      credentials: await this.options.auth.getOwnServiceCredentials(),
      logger: this.options.logger,
    });
    const result = await this.options.store.recordDeployment(deployment, [
      ...evidence,
      ...snapshot,
    ]);
    if (result.created) {
      await this.changed(result.deployment);
    }
    if (!result.created) {
      const changed = IDENTITY_FIELDS.filter(
        field => (result.deployment[field] ?? '') !== (deployment[field] ?? ''),
      );
      if (changed.length > 0) {
        throw new ConflictError(
          `Deployment ${
            input.id
          } was already recorded with a different ${changed.join(
            ', ',
          )}; a deployment id names one deployment, choose a new id for a new one`,
        );
      }
    }
    return result;
  }

  /**
   * Hashes what comes with content and makes sure that what comes without
   * was stored before for this entity, under the same kind and name.
   */
  private async resolveEvidence(
    entityRef: string,
    items: RecordDeploymentBody['evidence'],
  ): Promise<EvidenceItem[]> {
    const mismatched: string[] = [];
    const resolved = items.map(item => {
      if (item.content === undefined) return item;
      const sha256 = sha256Hex(item.content);
      if (item.sha256 && item.sha256 !== sha256) {
        mismatched.push(`${item.name} (its content hashes to ${sha256})`);
      }
      return { ...item, sha256 };
    });
    if (mismatched.length > 0) {
      throw new InputError(
        `Invalid body: body.evidence: sha256 does not match the content of ${mismatched.join(
          ', ',
        )}`,
      );
    }
    const byHash = resolved.flatMap(item =>
      item.content === undefined && item.sha256
        ? [{ kind: item.kind, name: item.name, sha256: item.sha256 }]
        : [],
    );
    if (byHash.length > 0) {
      const known = new Set(
        (await this.options.store.knownEvidence(entityRef, byHash)).map(
          key => `${key.kind}:${key.name}:${key.sha256}`,
        ),
      );
      const unknown = byHash.filter(
        key => !known.has(`${key.kind}:${key.name}:${key.sha256}`),
      );
      if (unknown.length > 0) {
        throw new InputError(
          `Invalid body: body.evidence lists without content what no earlier deployment of ${entityRef} stored: ${unknown
            .map(key => `${key.kind} "${key.name}" (sha256 ${key.sha256})`)
            .join(', ')}; send the content of each once`,
        );
      }
    }
    return resolved;
  }

  async changeState(id: string, input: StateChangeBody): Promise<Deployment> {
    // A concurrent writer can move the deployment between our read and our
    // conditional write; then read again and re-check the transition.
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await this.options.store.getDeployment(id);
      if (!current) {
        throw new NotFoundError(`No deployment ${id} in the ledger`);
      }
      if (
        current.state === input.state &&
        (input.progressPercent === undefined ||
          input.progressPercent === current.progressPercent) &&
        (input.trafficPercent === undefined ||
          input.trafficPercent === current.trafficPercent)
      ) {
        return current; // a replay: nothing to change
      }
      if (!DEPLOYMENT_TRANSITIONS[current.state].includes(input.state)) {
        throw new ConflictError(
          `Deployment ${id} is ${current.state} and cannot become ${
            input.state
          }; from ${current.state} it can become ${
            DEPLOYMENT_TRANSITIONS[current.state]
              .filter(s => s !== current.state)
              .join(', ') || 'nothing else'
          }`,
        );
      }
      this.notInTheFuture('at', input.at);
      const at = input.at ?? this.now().toISOString();
      const finishes =
        FINISHED_DEPLOYMENT_STATES.includes(input.state) &&
        input.state !== current.state;
      const applied = await this.options.store.changeState(id, current.state, {
        state: input.state,
        progressPercent: input.progressPercent,
        trafficPercent: input.trafficPercent,
        message: input.message,
        at,
        ...(finishes ? { finishedAt: at } : {}),
      });
      if (applied) {
        const changed = (await this.options.store.getDeployment(id))!;
        await this.changed(changed);
        return changed;
      }
    }
    throw new ConflictError(
      `Deployment ${id} kept changing while this state change was applied; retry it`,
    );
  }
}

function checkEnvironment(entity: Entity, environment: string) {
  const declared = entity.metadata.annotations?.[ANNOTATION_ENVIRONMENTS];
  if (!declared) return;
  const environments = parseAnnotationList(declared);
  if (!environments.includes(environment)) {
    throw new InputError(
      `Invalid body: body.environment: "${environment}" is not one of the environments of ${
        entity.metadata.name
      } (${environments.join(
        ', ',
      )}, from its ${ANNOTATION_ENVIRONMENTS} annotation)`,
    );
  }
}

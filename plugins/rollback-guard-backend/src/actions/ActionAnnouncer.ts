import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  actionsSignalChannel,
  ActionRequest,
  ActionSignalMessage,
  APPROVALS_SIGNAL_CHANNEL,
  rollbackGuardTabPath,
} from '@rollback-guard/plugin-rollback-guard-common';

// The steps that end an action badly: the auditor records them as failures.
const FAILURE_STEPS = new Set(['failed', 'stopped', 'unverified']);

// Who hears of which step, and how loudly.
const NOTICES: Record<
  string,
  { title: string; severity: 'high' | 'normal' | 'low'; toRequester?: boolean }
> = {
  requested: { title: 'Approval needed', severity: 'high' },
  approved: { title: 'Approved', severity: 'normal', toRequester: true },
  rejected: { title: 'Rejected', severity: 'normal', toRequester: true },
  expired: { title: 'Expired', severity: 'normal', toRequester: true },
  stopped: { title: 'Stopped', severity: 'high', toRequester: true },
  failed: { title: 'Failed', severity: 'high', toRequester: true },
  unverified: { title: 'Not verified', severity: 'high', toRequester: true },
  verified: { title: 'Done', severity: 'normal', toRequester: true },
};

/** Who Rollback Guard is in the audit trail when it acts by itself. */
export const PLUGIN_ACTOR = 'rollback-guard';

/**
 * How a committed step is made known: an auditor event (a failure for the
 * steps that end badly, and for refused attempts), a notification to the
 * people who must act or hear of it, and a signal that updates their open
 * pages. None of it may fail the action: a failing service is logged.
 *
 * @internal
 */
export class ActionAnnouncer {
  constructor(
    private readonly options: {
      auditor: AuditorService;
      /** The request as it stands now, for its approvals and outcome. */
      current: (id: string) => Promise<ActionRequest | undefined>;
      /** The owners of an entity, who hear of its actions. */
      ownersOf?: (entityRef: string) => Promise<string[]>;
      /** Who hears of a request that needs approval, besides the owners. */
      notifyApprovers: string[];
      notifications?: NotificationService;
      signals?: SignalsService;
      logger?: LoggerService;
    },
  ) {}

  /**
   * After a step committed (its change and its audit row together): the
   * auditor, the notifications and the signals hear of it.
   */
  async announce(
    action: ActionRequest,
    step: string,
    actor: string,
    details: Record<string, unknown> = {},
  ) {
    const event = await this.options.auditor.createEvent({
      eventId: 'rollback-guard-action',
      severityLevel:
        step === 'requested' || step === 'approved' ? 'medium' : 'low',
      meta: {
        step,
        actor,
        actionId: action.id,
        entityRef: action.entityRef,
        environment: action.environment,
        kind: action.kind,
        ...details,
      },
    });
    if (FAILURE_STEPS.has(step)) {
      await event.fail({
        error: new Error(String(details.outcome ?? `${step}`)),
      });
    } else {
      await event.success();
    }
    await this.tell(action, step);
  }

  /**
   * A refused attempt (403, 409) leaves no step in the trail, but the
   * auditor hears of it: who tried what, on which request, and why not.
   */
  async refused<T>(
    attempt: {
      what: string;
      actor: string;
      actionId?: string;
      entityRef?: string;
    },
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'NotAllowedError' || name === 'ConflictError') {
        const event = await this.options.auditor.createEvent({
          eventId: 'rollback-guard-action',
          severityLevel: 'medium',
          meta: {
            step: 'refused',
            ...attempt,
            reason: (error as Error).message,
          },
        });
        await event.fail({ error: error as Error });
      }
      throw error;
    }
  }

  /**
   * Owners (and the requester, once it ends) hear of a request through the
   * notifications service; open pages update live through signals. Neither
   * may fail the action: a missing or failing service is logged.
   */
  private async tell(action: ActionRequest, step: string) {
    const { notifications, signals, logger } = this.options;
    const fresh = (await this.options.current(action.id)) ?? action;
    try {
      // Only the people concerned: the entity's owners (a user receives what
      // any group they belong to owns), the approvers, the requester.
      const recipients = [
        ...new Set([
          ...((await this.options.ownersOf?.(action.entityRef)) ?? []),
          ...this.options.notifyApprovers,
          action.requestedBy,
        ]),
      ].filter(ref => ref !== PLUGIN_ACTOR);
      // The entity's pages, and the approvals view across entities.
      for (const channel of [
        actionsSignalChannel(action.entityRef),
        APPROVALS_SIGNAL_CHANNEL,
      ]) {
        await signals?.publish({
          recipients: { type: 'user', entityRef: recipients },
          channel,
          message: {
            actionId: action.id,
            entityRef: action.entityRef,
            status: fresh.status,
            step,
          } satisfies ActionSignalMessage,
        });
      }
    } catch (error) {
      logger?.warn(`Rollback Guard could not signal ${action.id}: ${error}`);
    }
    const what = `${action.kind}${
      action.targetVersion ? ` to ${action.targetVersion}` : ''
    } in ${action.environment}`;
    const notice =
      step === 'requested' && action.requestedBy === PLUGIN_ACTOR
        ? { title: 'Halted by Rollback Guard', severity: 'high' as const }
        : NOTICES[step];
    if (!notifications || !notice) return;
    try {
      await notifications.send({
        recipients: {
          type: 'entity',
          // The entity's owners always; the requester when it ends; the
          // configured approvers when a decision is needed.
          entityRef: notice.toRequester
            ? [action.entityRef, action.requestedBy].filter(
                ref => ref !== PLUGIN_ACTOR,
              )
            : [action.entityRef, ...this.options.notifyApprovers],
        },
        payload: {
          title: `${notice.title}: ${what} of ${action.entityRef}`,
          description: `${action.reason} (requested by ${action.requestedBy}; ${
            fresh.approvals.length
          } of ${fresh.requiredApprovals} approvals)${
            fresh.outcome ? `. ${fresh.outcome}` : ''
          }`,
          link: rollbackGuardTabPath(action.entityRef),
          severity: notice.severity,
          topic: `rollback-guard:${action.id}`,
          scope: `rollback-guard:${action.id}`,
        },
      });
    } catch (error) {
      logger?.warn(
        `Rollback Guard could not notify about ${action.id}: ${error}`,
      );
    }
  }
}

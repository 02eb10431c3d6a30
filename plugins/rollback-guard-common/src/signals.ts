import { ActionStatus } from './actions';

/**
 * The signal channel on which the backend publishes changes to an entity's
 * action requests, to the people who hear of them.
 *
 * @public
 */
export function actionsSignalChannel(entityRef: string): string {
  return `rollback-guard:actions:${entityRef}`;
}

/**
 * The signal channel of the approvals view: a change to any action request.
 *
 * @public
 */
export const APPROVALS_SIGNAL_CHANNEL = 'rollback-guard:approvals';

/**
 * What a signal on either channel carries: which request changed, and the
 * step of its workflow that changed it (e.g. `approved`, `verified`).
 *
 * @public
 */
export type ActionSignalMessage = {
  actionId: string;
  entityRef: string;
  status: ActionStatus;
  step: string;
};

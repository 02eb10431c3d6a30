import { ActionService } from '../actions/ActionService';
import { ScheduledJob } from './ScheduledJob';

/**
 * Every minute: requests whose time ran out expire, requests a crash left
 * approved are executed, and executions are checked against what the
 * providers report (each once, whichever replica runs it).
 *
 * @internal
 */
export class ActionsSweep extends ScheduledJob {
  readonly id = 'rollback-guard-actions-sweep';
  protected readonly schedule = {
    frequency: { minutes: 1 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 20 },
  };

  constructor(private readonly actions: ActionService) {
    super();
  }

  async run() {
    const expired = await this.actions.expireOverdue();
    const pickedUp = await this.actions.pickUpApproved();
    const ended = await this.actions.verifyExecuting();
    return expired + pickedUp + ended > 0
      ? `Rollback Guard expired ${expired} action requests, executed ${pickedUp} left approved, and ended ${ended} executions`
      : undefined;
  }
}

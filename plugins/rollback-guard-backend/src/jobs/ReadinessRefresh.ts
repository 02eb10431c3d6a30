import { ReadinessService } from '../readiness/ReadinessService';
import { ScheduledJob } from './ScheduledJob';

/**
 * Every `rollbackGuard.readiness.refreshIntervalMinutes`: the readiness of
 * every annotated entity is computed again.
 *
 * @internal
 */
export class ReadinessRefresh extends ScheduledJob {
  readonly id = 'rollback-guard-readiness-refresh';
  protected readonly schedule: {
    frequency: { minutes: number };
    timeout: { minutes: number };
    initialDelay: { seconds: number };
  };

  constructor(
    private readonly readiness: ReadinessService,
    intervalMinutes: number,
  ) {
    super();
    this.schedule = {
      frequency: { minutes: intervalMinutes },
      timeout: { minutes: 30 },
      initialDelay: { seconds: 30 },
    };
  }

  async run() {
    const refreshed = await this.readiness.refreshAll();
    return `Readiness refreshed for ${refreshed} entities`;
  }
}

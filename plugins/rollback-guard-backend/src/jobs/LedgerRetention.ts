import { DeploymentStore } from '../database/DeploymentStore';
import { ScheduledJob } from './ScheduledJob';

/**
 * Hourly: removes deployments beyond the configured count per environment,
 * and older than the configured age; the newest of each environment stays.
 *
 * @internal
 */
export class LedgerRetention extends ScheduledJob {
  readonly id = 'rollback-guard-ledger-retention';
  protected readonly schedule = {
    frequency: { hours: 1 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 1 },
  };

  constructor(
    private readonly options: {
      store: DeploymentStore;
      maxDeploymentsPerEnvironment: number;
      maxAgeDays: number;
    },
  ) {
    super();
  }

  async run() {
    const removed = await this.options.store.applyRetention({
      maxPerEnvironment: this.options.maxDeploymentsPerEnvironment,
      olderThan: new Date(
        Date.now() - this.options.maxAgeDays * 24 * 60 * 60 * 1000,
      ),
    });
    return removed > 0
      ? `Ledger retention removed ${removed} deployments`
      : undefined;
  }
}

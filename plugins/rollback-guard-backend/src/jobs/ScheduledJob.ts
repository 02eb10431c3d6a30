import {
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';

/**
 * A task the plugin schedules: the scheduler runs it on one replica at a
 * time (its lock is in the database).
 *
 * @internal
 */
export abstract class ScheduledJob {
  abstract readonly id: string;
  protected abstract readonly schedule: SchedulerServiceTaskScheduleDefinition;

  /** One run; what it did, in a sentence for the log, or undefined. */
  abstract run(): Promise<string | undefined>;

  async scheduleWith(
    scheduler: SchedulerService,
    log: (message: string) => void,
  ): Promise<void> {
    await scheduler.scheduleTask({
      id: this.id,
      ...this.schedule,
      fn: async () => {
        const done = await this.run();
        if (done) log(done);
      },
    });
  }
}

import { LoggerService } from '@backstage/backend-plugin-api';
import { Deployment } from '@rollback-guard/plugin-rollback-guard-common';

/**
 * The deployment-change flow: the ledger publishes every deployment it
 * records and every state change; readiness (whose stored snapshot no
 * longer holds) and action verification (the pipeline reports back through
 * the ledger) subscribe. A subscriber that fails never fails the write, nor
 * keeps the next subscriber from hearing of it.
 *
 * @internal
 */
export class DeploymentChanges {
  private readonly subscribers: Array<{
    name: string;
    listener: (deployment: Deployment) => Promise<void>;
  }> = [];

  constructor(private readonly logger?: LoggerService) {}

  /** Subscribers hear of a change in the order they subscribed. */
  subscribe(name: string, listener: (deployment: Deployment) => Promise<void>) {
    this.subscribers.push({ name, listener });
  }

  async publish(deployment: Deployment): Promise<void> {
    for (const { name, listener } of this.subscribers) {
      try {
        await listener(deployment);
      } catch (error) {
        this.logger?.warn(
          `Rollback Guard could not act on the change of deployment ${deployment.id} (${name}): ${error}`,
        );
      }
    }
  }
}

import { HumanDuration } from '@backstage/types';

export interface Config {
  /**
   * Rollback Guard backend configuration.
   */
  rollbackGuard?: {
    /**
     * The provider used for entities that have no `rollback-guard/provider`
     * annotation. Must be an installed provider.
     *
     * @default ledger
     */
    defaultProvider?: string;
    /**
     * How long each provider may take to answer, in milliseconds; a provider
     * that takes longer makes its part of the answer `unknown`.
     *
     * @default 5000
     * @deprecated Use `providerTimeout`, a Backstage duration.
     */
    providerTimeoutMs?: number;
    /**
     * How long each provider may take to answer, e.g. { seconds: 5 }. Default: 5 s. Replaces `providerTimeoutMs`, still read with a deprecation warning.
     */
    providerTimeout?: HumanDuration | string;
    /**
     * How long what the catalog showed a person is kept for their next
     * reads, e.g. { seconds: 2 }. A person who loses sight of an entity keeps
     * reading its Rollback Guard data for at most this long. Default:
     * { seconds: 2 }; { seconds: 0 } asks the catalog on every read.
     */
    entityCacheTtl?: HumanDuration | string;
    /**
     * Health: how the current deployment behaves (error rate, latency,
     * availability; a canary against its stable version), read from a
     * health source module such as Prometheus, with the readiness.
     */
    health?: {
      /**
       * The window read, in minutes, ending now.
       *
       * @default 10
       */
      windowMinutes?: number;
      /**
       * The window read, ending now, e.g. { minutes: 10 }. Default: 10 min. Replaces `windowMinutes`, still read with a deprecation warning.
       */
      window?: HumanDuration | string;
      /**
       * One value per this many seconds of the window.
       *
       * @default 30
       */
      stepSeconds?: number;
      /**
       * One value per this long of the window, e.g. { seconds: 30 }. Default: 30 s. Replaces `stepSeconds`, still read with a deprecation warning.
       */
      step?: HumanDuration | string;
      /**
       * Values each side needs before anything is judged; fewer: `unknown`.
       *
       * @default 10
       */
      minSamples?: number;
      /**
       * The one-sided Mann-Whitney U p-value below which a canary counts as
       * worse than its stable version.
       *
       * @default 0.05
       */
      significance?: number;
      /**
       * How many times worse (the ratio of typical values) a canary must be
       * to count as worse than stable.
       *
       * @default 1.5
       */
      minEffect?: number;
      /**
       * When a canary in progress turns `failing`, request a pause of it
       * (actor: the plugin) through the action workflow and its policy, and
       * notify the owners and approvers with the evidence. Rollback Guard
       * never rolls back by itself.
       *
       * @default false
       */
      haltOnFailure?: boolean;
      /**
       * Thresholds per signal (`errorRate`: 0.01 degraded, 0.05 failing;
       * `latencyP95` in seconds: 0.5, 1; `availability`: 0.995, 0.99), and
       * named extras. An entity's `rollback-guard/health-thresholds` may
       * only tighten them.
       */
      signals?: {
        [name: string]: {
          title?: string;
          unit?: 'ratio' | 'seconds' | 'number';
          direction?: 'lower-is-better' | 'higher-is-better';
          degraded?: number;
          failing?: number;
        };
      };
    };
    /**
     * Rollback readiness: the candidates and the checks run on them.
     */
    readiness?: {
      /**
       * How many earlier successful deployments of each environment are
       * candidates to go back to.
       *
       * @default 3
       */
      candidates?: number;
      /**
       * How long each check may take, in milliseconds; a slower check is
       * `unknown`.
       *
       * @default 10000
       * @deprecated Use `checkTimeout`, a Backstage duration.
       */
      checkTimeoutMs?: number;
      /**
       * How long each readiness check may take, e.g. { seconds: 10 }. Default: 10 s. Replaces `checkTimeoutMs`, still read with a deprecation warning.
       */
      checkTimeout?: HumanDuration | string;
      /**
       * Ids of checks not to run, e.g. `registry-credentials` where images
       * are public. Checks come with modules; naming one that is not
       * installed stops the backend at start.
       */
      disabledChecks?: string[];
      /**
       * How often the readiness snapshots of all entities are recomputed, in
       * minutes. The Backstage scheduler runs it on one replica at a time.
       *
       * @default 10
       * @deprecated Use `refreshInterval`, a Backstage duration.
       */
      refreshIntervalMinutes?: number;
      /**
       * How often every annotated entity is computed again, e.g. { minutes: 10 }. Default: 10 min. Replaces `refreshIntervalMinutes`, still read with a deprecation warning.
       */
      refreshInterval?: HumanDuration | string;
      /**
       * A refresh asked for within this many seconds of the last computation
       * of an entity returns that one instead of running every check again.
       *
       * @default 10
       * @deprecated Use `refreshMinInterval`, a Backstage duration.
       */
      refreshMinIntervalSeconds?: number;
      /**
       * A refresh within this long of the last computation returns it, e.g. { seconds: 10 }; zero turns it off. Default: 10 s. Replaces `refreshMinIntervalSeconds`, still read with a deprecation warning.
       */
      refreshMinInterval?: HumanDuration | string;
    };
    /**
     * Supervised actions: who must approve what.
     */
    actions?: {
      /**
       * Pending requests expire after this many minutes, by the database
       * clock.
       *
       * @default 60
       * @deprecated Use `requestTtl`, a Backstage duration.
       */
      requestTtlMinutes?: number;
      /**
       * How long a request waits for its approvals, e.g. { hours: 1 }. Default: 1 h. Replaces `requestTtlMinutes`, still read with a deprecation warning.
       */
      requestTtl?: HumanDuration | string;
      /**
       * Allow actions although the permission framework is disabled
       * (`permission.enabled` not true). Off by default: without permissions
       * anyone could request and approve.
       *
       * @default false
       */
      allowWithoutPermissionFramework?: boolean;
      /**
       * How far an entity's `rollback-guard/approvals` annotation may change
       * `approvals`: `none` (ignored), `stricter` (only to ask for more
       * approvals) or `any` (either way). High-risk and blocked roll-backs
       * always need two people. While the annotation is malformed, the
       * entity's action requests are refused.
       *
       * @default stricter
       */
      entityRefinement?: 'none' | 'stricter' | 'any';
      /**
       * How long an execution may go unconfirmed: the deployment providers
       * are read back every minute, and an action they have not shown done
       * (or failed) by then fails, saying what the environment runs.
       *
       * @default 30
       * @deprecated Use `verifyTimeout`, a Backstage duration.
       */
      verifyTimeoutMinutes?: number;
      /**
       * How long an execution may go unconfirmed, e.g. { minutes: 30 }. Default: 30 min. Replaces `verifyTimeoutMinutes`, still read with a deprecation warning.
       */
      verifyTimeout?: HumanDuration | string;
      /**
       * Who is notified of a request that needs approval besides the
       * entity's owners: entity refs of groups or users, e.g.
       * `group:default/sre-on-call`.
       */
      notifyApprovers?: string[];
      /**
       * How many action requests one person may make in a window; over it,
       * `POST /actions` answers 429 with `Retry-After`.
       */
      rateLimit?: {
        /** @default 20 */
        requests?: number;
        /** @default 10 */
        windowMinutes?: number;
        /**
         * The window of the per-person request limit, e.g. { minutes: 10 }. Default: 10 min. Replaces `windowMinutes`, still read with a deprecation warning.
         */
        window?: HumanDuration | string;
      };
      /**
       * Where approved actions are sent: one signed POST per attempt, never
       * retried silently. An entity names one with its
       * `rollback-guard/action-webhook` annotation, which holds a name, never
       * a URL, so only this list decides which hosts the backend calls.
       */
      webhooks?: Array<{
        /**
         * What the annotation names: lowercase letters, digits and dashes,
         * at most 63 characters.
         */
        name: string;
        /**
         * https; http only with `insecure: true`. For
         * `github-workflow-dispatch`:
         * `https://api.github.com/repos/<owner>/<repo>/actions/workflows/<file or id>/dispatches`.
         */
        url: string;
        /**
         * The HMAC-SHA256 key of `X-Rollback-Guard-Signature`, e.g. from
         * `openssl rand -hex 32`.
         *
         * @visibility secret
         */
        secret: string;
        /**
         * `generic` (Rollback Guard's JSON) or `github-workflow-dispatch`.
         *
         * @default generic
         */
        format?: 'generic' | 'github-workflow-dispatch';
        /**
         * The branch or tag GitHub runs the workflow from
         * (github-workflow-dispatch only).
         *
         * @default main
         */
        ref?: string;
        /**
         * Sent as `Authorization: Bearer <token>`; required for
         * github-workflow-dispatch (Actions: write on that repository).
         *
         * @visibility secret
         */
        token?: string;
        /**
         * How long the webhook has to answer, in milliseconds (at most 600000).
         *
         * @default 10000
         */
        timeoutMs?: number;
        /**
         * Allow the URL to resolve to loopback, link-local or private
         * addresses (an internal receiver).
         *
         * @default false
         */
        allowPrivateAddresses?: boolean;
        /**
         * Allow plain http (test receivers only).
         *
         * @default false
         */
        insecure?: boolean;
      }>;
      /**
       * How many people other than the requester must approve.
       */
      approvals?: {
        /**
         * A roll-back, by the risk of its candidate. High and blocked need at
         * least two (a second person); a blocked one also needs the override
         * permission and a justification.
         */
        rollBack?: {
          /** @default 1 */
          low?: number;
          /** @default 1 */
          medium?: number;
          /** @default 2 */
          high?: number;
          /** @default 2 */
          blocked?: number;
        };
        /** @default 0 */
        pause?: number;
        /** @default 1 */
        resume?: number;
        /** @default 0 */
        abort?: number;
        /** @default 1 */
        rollForward?: number;
      };
    };
    /**
     * The built-in deployment ledger.
     */
    ledger?: {
      /**
       * The most evidence (migrations, API definitions, SBOMs) one deployment
       * may carry, in bytes; more is refused with 413, never truncated.
       *
       * @default 1048576
       */
      maxEvidenceBytes?: number;
      /**
       * The service principals that may record deployments, by subject as
       * Backstage names them: the `subject` of a static external access
       * token (e.g. `example-ci`), `plugin:<pluginId>` for another plugin. Other services get
       * 403. When unset, any service principal may record, and the backend
       * warns at start.
       */
      writers?: string[];
      /**
       * What the ledger keeps. The newest deployment of each environment is
       * always kept. Applied hourly.
       */
      retention?: {
        /**
         * Deployments kept per entity and environment.
         *
         * @default 200
         */
        maxDeploymentsPerEnvironment?: number;
        /**
         * Deployments that started longer ago than this are removed.
         *
         * @default 365
         * @deprecated Use `maxAge`, a Backstage duration.
         */
        maxAgeDays?: number;
        /**
         * Deployments that started longer ago are removed, e.g. { days: 365 }. Default: 365 days. Replaces `maxAgeDays`, still read with a deprecation warning.
         */
        maxAge?: HumanDuration | string;
      };
    };
  };
}

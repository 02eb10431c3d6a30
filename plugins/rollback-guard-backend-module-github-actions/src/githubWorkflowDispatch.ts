import { WebhookPayload } from '@rollback-guard/plugin-rollback-guard-common';
import { WebhookFormat } from '@rollback-guard/plugin-rollback-guard-node';

// The endpoint of GitHub's "create a workflow dispatch event", on github.com
// (api.github.com) or GitHub Enterprise Server (/api/v3).
const DISPATCH_PATH =
  /\/repos\/[^/]+\/[^/]+\/actions\/workflows\/[^/]+\/dispatches$/;

/** What a `github-workflow-dispatch` webhook adds to its entry. */
export type GithubWorkflowDispatchSettings = {
  /** The branch or tag GitHub runs the workflow from. */
  ref: string;
};

/**
 * The body of GitHub's `POST /repos/{owner}/{repo}/actions/workflows/{id}/dispatches`:
 * the webhook payload's fields as workflow inputs (strings, whatever type the
 * workflow declares them with), with the `ref` to run from. The signature
 * headers still go along; GitHub ignores them, a proxy may check them.
 *
 * @public
 */
export const githubWorkflowDispatchFormat: WebhookFormat<GithubWorkflowDispatchSettings> =
  {
    id: 'github-workflow-dispatch',
    settingKeys: ['ref'],
    headers: {
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': '2022-11-28',
    },
    readSettings({ at, url, hasToken, config }) {
      if (!DISPATCH_PATH.test(url.pathname)) {
        throw new Error(
          `${at}: format github-workflow-dispatch needs the url of GitHub's workflow dispatch endpoint, https://api.github.com/repos/<owner>/<repo>/actions/workflows/<workflow file or id>/dispatches`,
        );
      }
      if (!hasToken) {
        throw new Error(
          `${at}: format github-workflow-dispatch needs token, a GitHub token allowed to dispatch the workflow (Actions: write)`,
        );
      }
      const ref = config.getOptionalString('ref');
      if (ref !== undefined && !ref.trim()) {
        throw new Error(`${at}: ref must name a branch or tag`);
      }
      return { ref: ref ?? 'main' };
    },
    body(payload: WebhookPayload, { ref }) {
      const inputs = Object.fromEntries(
        Object.entries(payload).map(([key, value]) => [
          key,
          Array.isArray(value) ? value.join(',') : String(value ?? ''),
        ]),
      );
      return JSON.stringify({ ref, inputs });
    },
  };

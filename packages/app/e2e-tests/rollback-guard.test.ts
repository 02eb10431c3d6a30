import { expect, Page, test } from '@playwright/test';

async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page.getByRole('heading', { name: 'Rollback Guard example Catalog' }),
  ).toBeVisible();
}

function tabs(page: Page) {
  return page.getByRole('navigation', { name: 'Content navigation' });
}

/** The Rollback Guard tab, alone in the Deployment group here. */
function rollbackGuardTab(page: Page) {
  return tabs(page).getByText('Rollback Guard', { exact: true });
}

/** The Rollback Guard card on an entity's overview page. */
function rollbackGuardCard(page: Page) {
  return page
    .locator('.MuiCard-root')
    .filter({ hasText: 'Rollback Guard' })
    .filter({ has: page.getByRole('table', { name: 'Rollout status' }) });
}

test('a guest sees the Rollback Guard card and tab on an example service', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/payments-api');

  // The card on the overview: one row per environment, from the backend's
  // rollout status.
  const card = rollbackGuardCard(page);
  await expect(
    card.getByRole('rowheader', { name: 'staging', exact: true }),
  ).toBeVisible();
  await expect(
    card.getByRole('rowheader', { name: 'production', exact: true }),
  ).toBeVisible();
  await expect(card.getByText(/need(s)? fixing/)).toHaveCount(0);
  await page.screenshot({
    path: testInfo.outputPath('card.png'),
    fullPage: true,
  });

  // The tab.
  // In the Deployment group of the entity's tabs.
  await rollbackGuardTab(page).click();
  await expect(page).toHaveURL(/\/rollback-guard$/);
  await expect(
    page.getByText('Every rollback-guard/ annotation is valid.'),
  ).toBeVisible();
  await expect(
    page.getByText('Deployments are read from the ledger provider.'),
  ).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Rollout status' }),
  ).toBeVisible();
  await expect(page.getByText('History', { exact: true })).toBeVisible();
  await expect(
    page.getByText('registry.example.com/payments/payments-api'),
  ).toBeVisible();
  await page.screenshot({
    path: testInfo.outputPath('tab.png'),
    fullPage: true,
  });
});

test('the seeded canary shows its traffic split on the card', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/payments-api');
  const production = rollbackGuardCard(page)
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: 'production' }) });
  await expect(production.getByText('20% on 1.5.0')).toBeVisible();
  await expect(production.getByText('canary', { exact: true })).toBeVisible();
});

test('the card shows the rollback risk with its reason', async ({ page }) => {
  await signInAsGuest(page);
  // orders-api's rolling deployment of 3.0.0 to production failed half-way.
  await page.goto('/catalog/default/component/orders-api');
  const card = rollbackGuardCard(page);
  const production = card
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: 'production' }) });
  await expect(
    production.getByText(/^(low risk|medium risk|high risk|blocked)$/),
  ).toBeVisible();
  // One line per environment where acting is recommended: the environment,
  // the action in words and the reason, which names the failed rollout.
  await expect(
    card
      .getByRole('list', { name: 'Recommendations' })
      .getByRole('listitem')
      .filter({
        hasText: /^production — (Roll back|Roll forward|Pause|Fail back): /,
      })
      .filter({ hasText: 'failed' }),
  ).toBeVisible();
  await expect(card.getByText(/^Checked /)).toBeVisible();
});

test('the card says which canary is failing and which is healthy, from its health', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  // payments-api's canary 1.5.0: errors far above 1.4.2's (the example
  // metrics source, read by the Prometheus module).
  await page.goto('/catalog/default/component/payments-api');
  let card = rollbackGuardCard(page);
  const row = (name: string) =>
    card
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(
    row('production').getByText('failing', { exact: true }),
  ).toBeVisible();
  await expect(
    card
      .getByRole('list', { name: 'Recommendations' })
      .getByRole('listitem')
      .filter({
        hasText:
          /^production — Abort: The canary of 1\.5\.0 is failing \(error rate [\d.]+% on 1\.5\.0 vs [\d.]+% on 1\.4\.2 over 10 min/,
      }),
  ).toBeVisible();
  await page.screenshot({
    path: testInfo.outputPath('failing-canary-card.png'),
    fullPage: true,
  });

  // recommendations-api's canary 3.2.0 behaves like 3.1.0.
  await page.goto('/catalog/default/component/recommendations-api');
  card = rollbackGuardCard(page);
  await expect(
    row('production').getByText('healthy', { exact: true }),
  ).toBeVisible();
  await page.screenshot({
    path: testInfo.outputPath('healthy-canary-card.png'),
    fullPage: true,
  });
});

test('invalid annotations are shown with what to fix', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/inventory-service');
  await expect(page.getByText('3 annotations need fixing')).toBeVisible();
  // The provider problem is listed with the annotation, and the provider's
  // part of the rollout status is unknown for the same reason.
  const problem =
    /"argo-rollouts".* is not installed in this backend; installed providers: kubernetes, ledger/;
  await expect(
    page
      .getByRole('list', { name: 'Rollback Guard annotations' })
      .getByText(problem),
  ).toBeVisible();
  await expect(
    rollbackGuardCard(page)
      .getByRole('alert')
      .filter({ hasText: 'argo-rollouts: unknown' })
      .filter({ hasText: problem }),
  ).toBeVisible();
});

test('an entity without annotations has neither card nor tab', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/email-worker');
  await expect(
    tabs(page).getByRole('link', { name: 'Overview' }),
  ).toBeVisible();
  await expect(
    page.getByText('Sends order and receipt e-mails').first(),
  ).toBeVisible();
  await expect(rollbackGuardTab(page)).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Rollout status' })).toHaveCount(
    0,
  );
});

test('against a real registry: low where the image is there, blocked where its manifest was deleted', async ({
  page,
}, testInfo) => {
  test.skip(
    process.env.ROLLBACK_GUARD_E2E_REGISTRY === 'missing',
    'no docker-registry/skopeo on this machine',
  );
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/registry-demo/rollback-guard');
  // The snapshot may predate the registry's images: run the checks now.
  await page.getByRole('button', { name: 'Re-run checks' }).click();

  const present = page.getByRole('region', { name: 'Candidate 1.1.0' });
  const deleted = page.getByRole('region', { name: 'Candidate 1.0.0' });
  await expect(present.getByText('low risk')).toBeVisible();
  await expect(present.getByText('All 2 checks passed')).toBeVisible();
  await expect(deleted.getByText('blocked', { exact: true })).toBeVisible();
  await expect(deleted.getByText(/Artifact availability: /)).toBeVisible();
  await page.screenshot({
    path: testInfo.outputPath('registry-demo.png'),
    fullPage: true,
  });
});

test('a rollback across a dropped column is blocked, with the finding on the tab', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  // fulfilment-api 1.1.0 dropped orders.legacy_ref, which 1.0.0 reads.
  const reason =
    'Schema compatibility: orders.legacy_ref was dropped by 002_drop_orders_legacy_ref.sql; 1.0.0 reads it';
  await page.goto('/catalog/default/component/fulfilment-api');
  await expect(rollbackGuardCard(page).getByText(reason).first()).toBeVisible();

  await page.goto('/catalog/default/component/fulfilment-api/rollback-guard');
  const candidate = page.getByRole('region', { name: 'Candidate 1.0.0' });
  await expect(candidate.getByText('blocked', { exact: true })).toBeVisible();
  await candidate.getByRole('button', { name: /Schema compatibility/ }).click();
  const finding = candidate
    .getByRole('list', { name: 'Findings' })
    .getByRole('listitem')
    .filter({ hasText: 'ban-drop-column' });
  await expect(
    finding.getByText('002_drop_orders_legacy_ref.sql'),
  ).toBeVisible();
  await expect(
    finding.getByLabel('Statement in 002_drop_orders_legacy_ref.sql'),
  ).toContainText('ALTER TABLE orders DROP COLUMN legacy_ref');
  await page.screenshot({
    path: testInfo.outputPath('fulfilment-api.png'),
    fullPage: true,
  });
});

test('going back to a version with a fixed high CVE is high risk, with the advisory on the tab', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  // search-api 2.3.0 ships lodash 4.17.20; 2.4.0 moved to 4.17.21.
  const reason =
    "Vulnerabilities: Going back to 2.3.0 re-opens CVE-2021-23337 (high) in lodash 4.17.20, fixed in the current version's 4.17.21 and 1 more vulnerability";
  await page.goto('/catalog/default/component/search-api');
  const card = rollbackGuardCard(page);
  // The current version runs well: the card shows the risk, the tab why.
  await expect(card.getByText('high risk').first()).toBeVisible();

  await page.goto('/catalog/default/component/search-api/rollback-guard');
  const candidate = page.getByRole('region', { name: 'Candidate 2.3.0' });
  await expect(candidate.getByText('high risk')).toBeVisible();
  await expect(candidate.getByText(reason).first()).toBeVisible();
  await candidate.getByRole('button', { name: /Vulnerabilities/ }).click();
  const finding = candidate
    .getByRole('list', { name: 'Findings' })
    .getByRole('listitem')
    .filter({ hasText: 'CVE-2021-23337' });
  await expect(finding.getByLabel('Severity high')).toHaveText('HIGH');
  await expect(
    finding.getByRole('link', { name: 'GHSA-35jh-r3h4-6jhm on github.com' }),
  ).toHaveAttribute(
    'href',
    'https://github.com/advisories/GHSA-35jh-r3h4-6jhm',
  );
  await page.screenshot({
    path: testInfo.outputPath('search-api.png'),
    fullPage: true,
  });
});

test('going back across an endpoint its consumers use is high risk, naming them', async ({
  page,
}) => {
  await signInAsGuest(page);
  // payments-api 1.5.0 added POST /payments/{id}/refunds; three services consume the API.
  await page.goto('/catalog/default/component/payments-api/rollback-guard');
  const candidate = page
    .getByRole('region', { name: 'Candidate 1.4.2' })
    .first();
  await expect(candidate.getByText('high risk')).toBeVisible();
  await expect(
    candidate.getByText(
      /API compatibility: Going back to 1\.4\.2 removes POST \/payments\/\{.*\}\/refunds, which .*checkout-web.* consume/,
    ),
  ).toBeVisible();
  await candidate.getByRole('button', { name: /API compatibility/ }).click();
  const finding = candidate
    .getByRole('list', { name: 'Findings' })
    .getByRole('listitem')
    .first();
  await expect(finding.getByRole('link', { name: 'orders-api' })).toBeVisible();

  // The API's own page says the same, and links back to the provider's tab.
  await page.goto('/catalog/default/api/payments-api');
  const provider = page.getByLabel(
    'Provided by component:default/payments-api',
  );
  await expect(
    provider.getByLabel('Going back to 1.4.2 in production'),
  ).toContainText('POST /payments/{id}/refunds');
  await provider.getByRole('link', { name: 'Rollback Guard' }).click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/payments-api\/rollback-guard$/,
  );
});

test('a guest requests a rollback and sees it waiting for approval', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  // orders-api's rollout of 3.0.0 to production failed; going back to 2.9.1
  // is medium risk, so it needs one approval from someone else.
  await page.goto('/catalog/default/component/orders-api/rollback-guard');

  await page.getByRole('button', { name: 'Act on production…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Act on production' });
  await expect(dialog).toBeVisible();
  await expect(
    dialog.getByRole('region', { name: 'Readiness acted on' }),
  ).toContainText('computed');

  await dialog.getByRole('radio', { name: 'Roll back' }).check();
  await dialog.getByRole('radio', { name: /^2\.9\.1 / }).check();
  await expect(
    dialog.getByText('Needs 1 approval from someone else'),
  ).toBeVisible();

  // A reason unique to this run, to find its request among earlier ones.
  const reason = `Checkout errors since 3.0.0 (e2e ${Date.now()})`;
  const submit = dialog.getByRole('button', { name: 'Submit request' });
  await expect(submit).toBeDisabled();
  await dialog.getByRole('textbox', { name: /^Reason/ }).fill(reason);
  await submit.click();

  await expect(dialog.getByRole('status')).toContainText(
    'Requested: Roll back production to 2.9.1.',
  );
  await expect(dialog.getByRole('status')).toContainText(
    'Waiting for approval',
  );
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  // The tab's Actions card lists it, waiting for approval.
  const request = page
    .getByRole('list', { name: 'Action requests' })
    .getByRole('listitem', { name: 'Roll back production to 2.9.1' })
    .filter({ hasText: reason });
  await expect(request).toHaveCount(1);
  await expect(request.getByText('Waiting for approval')).toBeVisible();
  await expect(request).toContainText('Approvals: 0 of 1');
  await page.screenshot({
    path: testInfo.outputPath('action-requested.png'),
    fullPage: true,
  });

  // The approvals view, from the navigation, lists it across entities; the
  // guest requested it, so it offers them no decision.
  await page.getByRole('link', { name: 'Approvals' }).click();
  await expect(page).toHaveURL(/\/rollback-guard\/approvals$/);
  const waiting = page
    .getByRole('list', { name: 'Requests waiting for approval' })
    .getByRole('listitem', { name: 'Roll back production to 2.9.1' })
    .filter({ hasText: reason });
  await expect(waiting).toHaveCount(1);
  await expect(waiting.getByRole('link', { name: 'orders-api' })).toBeVisible();
  await expect(waiting).toContainText(
    'Your own request: someone else must approve it',
  );
  await expect(waiting.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  // The readiness it was requested against, kept with the request.
  await waiting
    .getByRole('button', {
      name: 'Show the readiness it was requested against',
    })
    .click();
  await expect(waiting).toContainText('when production ran 3.0.0');
  await expect(waiting).toContainText('Artifact availability');
  await page.screenshot({
    path: testInfo.outputPath('approvals.png'),
    fullPage: true,
  });
});

test('from the card, a guest pauses a canary; the example pipeline carries it out and the action is verified', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/pipeline-demo');

  const actions = page.getByRole('region', { name: 'Actions' });
  await actions.getByRole('button', { name: 'Act on production…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Act on production' });
  // A canary in progress: pause and abort, no resume.
  await expect(dialog.getByRole('radio', { name: 'Resume' })).toHaveCount(0);
  await dialog.getByRole('radio', { name: 'Pause' }).check();
  await expect(
    dialog.getByText('Runs at once: no approval needed for pause'),
  ).toBeVisible();
  const reason = `Error rate doubled on the canary (e2e ${Date.now()})`;
  await dialog.getByRole('textbox', { name: /^Reason/ }).fill(reason);
  await dialog.getByRole('button', { name: 'Submit request' }).click();
  await expect(dialog.getByRole('status')).toContainText(
    'Requested: Pause production.',
  );
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The example pipeline reports the canary paused through the ledger a few
  // seconds later; the backend verifies the action and signals it, and the
  // card's rollout row turns paused without a reload.
  const production = rollbackGuardCard(page)
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: 'production' }) });
  await expect(production).toContainText('progressing');
  await expect(production).toContainText('paused', { timeout: 20_000 });

  // The tab, reached from the card, shows the action verified.
  await actions.getByRole('link', { name: 'Rollback Guard tab' }).click();
  const request = page
    .getByRole('list', { name: 'Action requests' })
    .getByRole('listitem', { name: 'Pause production' })
    .filter({ hasText: reason });
  await expect(request.getByText('Succeeded')).toBeVisible({
    timeout: 20_000,
  });
  await expect(request).toContainText('Outcome: 1.1.0 is paused in production');
  // The readiness was computed anew for the paused canary.
  await expect(
    page.getByRole('region', { name: 'Readiness in production' }),
  ).toContainText('runs 1.1.0, paused');
  await page.screenshot({
    path: testInfo.outputPath('action-verified.png'),
    fullPage: true,
  });
});

test('from the card, a guest aborts an Argo Rollouts canary; the Kubernetes provider carries it out and reads it back verified', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/inventory-api');

  // The canary of 2.4.0 waits at its first pause, read from the cluster.
  const production = rollbackGuardCard(page)
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: 'production' }) });
  await expect(production).toContainText('2.4.0');
  await expect(production).toContainText('paused');

  const actions = page.getByRole('region', { name: 'Actions' });
  await actions.getByRole('button', { name: 'Act on production…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Act on production' });
  await dialog.getByRole('radio', { name: 'Abort' }).check();
  await expect(
    dialog.getByText('Runs at once: no approval needed for abort'),
  ).toBeVisible();
  const reason = `Canary 5xx above the stable's (e2e ${Date.now()})`;
  await dialog.getByRole('textbox', { name: /^Reason/ }).fill(reason);
  await dialog.getByRole('button', { name: 'Submit request' }).click();
  await expect(dialog.getByRole('status')).toContainText(
    'Requested: Abort production.',
  );
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.screenshot({
    path: testInfo.outputPath('argo-abort-requested.png'),
    fullPage: true,
  });

  // No pipeline reports back here: the backend reads the rollout back from
  // the (example) Kubernetes API a few seconds after the patch.
  await actions.getByRole('link', { name: 'Rollback Guard tab' }).click();
  const request = page
    .getByRole('list', { name: 'Action requests' })
    .getByRole('listitem', { name: 'Abort production' })
    .filter({ hasText: reason });
  await expect(request.getByText('Succeeded')).toBeVisible({
    timeout: 30_000,
  });
  await expect(request).toContainText('is aborted in production');
  await page.screenshot({
    path: testInfo.outputPath('argo-abort-verified.png'),
    fullPage: true,
  });
});

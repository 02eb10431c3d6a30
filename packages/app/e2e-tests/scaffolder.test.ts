import { expect, Page, test } from '@playwright/test';

async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page.getByRole('heading', { name: 'Rollback Guard example Catalog' }),
  ).toBeVisible();
}

test('the Create page offers the Rollback Guard templates', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page.goto('/create');
  for (const title of ['Service with Rollback Guard', 'Request a rollback']) {
    await expect(page.getByText(title, { exact: true })).toBeVisible();
  }
  await page.screenshot({
    path: testInfo.outputPath('create-page.png'),
    fullPage: true,
  });
});

test('a guest files a rollback request with the "Request a rollback" template; it waits for approval on the tab', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page.goto('/create');
  // orders-api's rollout of 3.0.0 to production failed; going back to 2.9.1
  // is medium risk, so it needs one approval from someone else.
  await page
    .locator('.MuiCard-root')
    .filter({ has: page.getByRole('heading', { name: 'Request a rollback' }) })
    .getByRole('button', { name: 'Choose' })
    .click();

  // Step 1: the service, then one of its environments.
  await page.getByRole('textbox', { name: 'Service' }).fill('orders-api');
  await page.getByRole('option', { name: /orders-api/ }).click();
  await page
    .getByRole('combobox', { name: /^Environment/ })
    .selectOption('production');
  await page.getByRole('button', { name: 'Next' }).click();

  // Step 2: the readiness of each candidate, then the choice and a reason.
  await expect(
    page.getByText(/Now in production:\s*3\.0\.0 \(failed\)/),
  ).toBeVisible();
  const candidate = page.getByRole('radio', { name: /^2\.9\.1/ });
  await expect(candidate).toBeVisible();
  await expect(
    page.getByRole('list', { name: /^Why 2\.9\.1 is / }),
  ).toBeVisible();
  await page.screenshot({
    path: testInfo.outputPath('request-a-rollback-form.png'),
    fullPage: true,
  });
  await candidate.check();
  const reason = `Checkout errors since 3.0.0 (template e2e ${Date.now()})`;
  await page.getByRole('textbox', { name: /^Reason/ }).fill(reason);
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task runs the two steps and says what it filed.
  await expect(
    page.getByText(/Roll-back of .*orders-api.* to .*2\.9\.1/),
  ).toBeVisible();
  await expect(page.getByText('requested', { exact: true })).toBeVisible();
  await page.screenshot({
    path: testInfo.outputPath('request-a-rollback-done.png'),
    fullPage: true,
  });

  // The request on the entity's tab, waiting for approval.
  await page.goto('/catalog/default/component/orders-api/rollback-guard');
  const request = page
    .getByRole('list', { name: 'Action requests' })
    .getByRole('listitem', { name: 'Roll back production to 2.9.1' })
    .filter({ hasText: reason });
  await expect(request).toHaveCount(1);
  await expect(request.getByText('Waiting for approval')).toBeVisible();
  await expect(request).toContainText('Approvals: 0 of 1');
  await page.screenshot({
    path: testInfo.outputPath('request-a-rollback-on-tab.png'),
    fullPage: true,
  });
});

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

test('a guest sees the Rollback Guard card and tab on an example service', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/payments-api');

  // The card on the overview, filled from the backend's summary.
  const card = page
    .locator('.MuiCard-root')
    .filter({ hasText: 'Rollback Guard' })
    .filter({ hasText: 'Provider:' });
  await expect(card.getByText('Configuration valid')).toBeVisible();
  await expect(card.getByText('ledger', { exact: true })).toBeVisible();
  await expect(card.getByText('staging', { exact: true })).toBeVisible();
  await expect(card.getByText('production', { exact: true })).toBeVisible();
  await page.screenshot({
    path: testInfo.outputPath('card.png'),
    fullPage: true,
  });

  // The tab.
  await tabs(page).getByRole('link', { name: 'Rollback Guard' }).click();
  await expect(page).toHaveURL(/\/rollback-guard$/);
  await expect(
    page.getByText('Every rollback-guard/ annotation is valid.'),
  ).toBeVisible();
  await expect(
    page.getByText('registry.example.com/payments/payments-api'),
  ).toBeVisible();
  await page.screenshot({
    path: testInfo.outputPath('tab.png'),
    fullPage: true,
  });
});

test('invalid annotations are shown with what to fix', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/inventory-service');
  await expect(page.getByText('3 annotations need fixing')).toBeVisible();
  await expect(
    page.getByText(
      'rollback-guard/provider names "argo-rollouts", which is not installed in this backend; installed providers: ledger',
    ),
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
  await expect(
    tabs(page).getByRole('link', { name: 'Rollback Guard' }),
  ).toHaveCount(0);
  await expect(page.getByText('Provider:')).toHaveCount(0);
});

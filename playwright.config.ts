import { defineConfig } from '@playwright/test';

// The browser test drives Debian's Chromium (Playwright cannot download its
// own browsers on this kind of machine) against the example backend, which
// serves the built app on :7007. `npm test` builds the app first.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const baseURL = process.env.PLAYWRIGHT_URL ?? 'http://localhost:7007';

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  globalSetup: './packages/app/e2e-tests/globalSetup.ts',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
  ],
  outputDir: 'node_modules/.cache/e2e-test-results',
  webServer: process.env.PLAYWRIGHT_URL
    ? []
    : [
        {
          command:
            'yarn workspace backend start --config ../../app-config.yaml --config ../../app-config.e2e.yaml',
          url: `${baseURL}/api/rollback-guard/health`,
          reuseExistingServer: !process.env.CI,
          timeout: 180_000,
          stdout: 'ignore',
          stderr: 'pipe',
        },
      ],
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
});

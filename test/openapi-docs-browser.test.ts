import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './support/chromium';
import { startTestServer, type TestServer } from './support/testServer';

// Swagger UI at /docs in a real browser, under the page's own CSP, with every other origin cut off.
// Needs Debian's chromium (apt-get install chromium); skipped, and says so, without it.
const available = chromiumAvailable('openapi-docs-browser.test.ts');

describe.skipIf(!available)('Swagger UI in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders every dialect from local assets only, with no CSP violation or console error', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const outside: string[] = [];
    const served: string[] = [];
    const problems: string[] = [];
    const origin = new URL(server.url).origin;
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith('data:')) {
        served.push(new URL(url).pathname);
        return route.continue();
      }
      outside.push(url);
      return route.abort('blockedbyclient');
    });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning' || /Content Security Policy|Refused to/i.test(message.text())) {
        problems.push(`console ${message.type()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
    });

    const response = await page.goto(`${server.url}/docs`, { waitUntil: 'load' });
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline'[^;]*;?.*script|script-src[^;]*unsafe/);

    // One operation of each dialect, by its summary.
    for (const summary of ['Get an access token (RA)', 'Add a ship (TX)', 'Log in with a form: opens a session (HB)', 'Register a user (RA and TX)']) {
      await expect.poll(() => page.getByText(summary, { exact: true }).first().isVisible(), { timeout: 20_000 }).toBe(true);
    }
    // Opening an operation shows its documented responses.
    await page.getByText('Get an access token (RA)', { exact: true }).first().click();
    await expect.poll(() => page.locator('.opblock.is-open').getByText('WWW-Authenticate').first().isVisible(), { timeout: 10_000 }).toBe(true);
    await page.screenshot({ path: 'test-results/openapi-docs.png' });
    // "Try it out" calls the API from the page, which the CSP allows for this origin only.
    const status = page.locator('.opblock', { hasText: 'Status (HB)' });
    await status.getByText('Status (HB)', { exact: true }).click();
    await status.getByRole('button', { name: 'Try it out' }).click();
    await status.getByRole('button', { name: 'Execute' }).click();
    const live = () => status.locator('.live-responses-table tbody .response-col_status').first().innerText();
    await expect.poll(live, { timeout: 10_000 }).toContain('200');
    expect(await status.locator('.live-responses-table tbody').innerText()).toContain('"status": "OK"');
    expect(served).toContain('/api/v1/status');

    expect(served).toEqual(expect.arrayContaining(['/docs', '/docs/swagger-ui-bundle.js', '/docs/swagger-init.js', '/docs/swagger-ui.css', '/openapi.json']));
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});

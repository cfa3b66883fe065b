// SPDX-License-Identifier: Apache-2.0
// Playwright (playwright-core from web/node_modules) driving Debian's Chromium, and the few
// UI steps every test needs.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { before, after } from 'node:test';
import { DEMO_PASSWORD, repoRoot, startServer } from './server.mjs';

const require = createRequire(path.join(repoRoot, 'web', 'package.json'));
const { chromium } = require('playwright-core');

export const CHROMIUM = process.env.TSUNAGU_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const TABLET = { width: 768, height: 1024 };

/**
 * Starts a demo server and Chromium before the tests of the enclosing describe() and stops both
 * (by PID, and the browser) after them. ready(server, browser) receives them once they run and
 * may prepare more for the tests.
 */
export function withServerAndBrowser(ready) {
  let server;
  let browser;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await ready(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}

/** Chromium with CHROMIUM_ARGS and extraArgs (e.g. '--disable-software-rasterizer': no WebGL at all). */
export function launchBrowser(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
}

/**
 * A fresh context (own cookies and localStorage) and page. Page errors and CSP violations are
 * collected in page.problems so a test can assert there were none.
 */
export async function openPage(browser, baseUrl, { viewport = { width: 1280, height: 900 }, hasTouch = false } = {}) {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport,
    hasTouch,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
      page.problems.push(`CSP: ${message.text()}`);
    }
  });
  return page;
}

export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'no script errors or CSP violations');
}

/** Logs in through the login form and waits for the header bar. */
export async function loginAs(page, login, password = DEMO_PASSWORD) {
  await page.goto('/');
  await page.getByTestId('login-id').fill(login);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('header').waitFor();
}

/** Runs a patient search from the search page and returns the results section once loaded. */
export async function searchPatients(page, query) {
  await page.getByTestId('search-q').fill(query);
  await page.getByTestId('search-submit').click();
  const results = page.locator(`[data-testid="patient-results"][data-loaded-q="${query}"]`);
  await results.waitFor();
  return results;
}

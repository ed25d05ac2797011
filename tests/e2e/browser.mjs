// What the browser tests share: the server under test, a headless Chromium launched once per
// test file, fresh pages that collect console errors, screenshots, the axe check, tiny PDFs.
// Not a test file itself (node --test runs only *.test.mjs here).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = require('axe-core').source;

export const base = process.env.MOTCUA_BASE_URL?.replace(/\/+$/, '');
assert.ok(base, 'MOTCUA_BASE_URL must name a running motcua');
export const shots = process.env.MOTCUA_E2E_SCREENSHOT_DIR;
export const PASSWORD = 'Demo@2026';

let browser;

/** Launches Chromium before the file's tests and closes it after them. */
export function useBrowser() {
  before(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  });
  after(async () => {
    await browser?.close();
  });
}

/** A new context and page; console errors are collected except those containing `expected`. */
export async function freshPage(expected = []) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  // Refused requests the test makes on purpose show up as console errors; only those are allowed.
  page.on('console', (m) => {
    if (m.type() === 'error' && !expected.some((x) => m.text().includes(x))) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

export async function shot(page, name, fullPage = true) {
  if (shots) await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage });
}

/** axe violations of serious or critical impact on the page, as readable strings. */
export async function serious(page) {
  await page.addScriptTag({ content: axeSource });
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A tiny but valid PDF: the server checks the first bytes against the declared type. */
export function tinyPdf(text) {
  const body = `1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${text}\n`;
  return Buffer.from(`%PDF-1.4\n${body}trailer<</Root 1 0 R>>\n%%EOF\n`, 'latin1');
}

// Opens a workflow action on the dossier page, lets `fill` fill its form, sends it, and waits for
// the confirmation and for the element with `testId` to show `text`.
export async function takeAction(page, action, testId, text, fill = async () => {}) {
  await page.locator('.action-buttons').getByRole('button', { name: action, exact: true }).click();
  const form = page.locator('form.action-form');
  await fill(form);
  await form.getByRole('button', { name: action, exact: true }).click();
  await page.getByRole('status').filter({ hasText: `Đã thực hiện: ${action}.` }).waitFor();
  await page.getByTestId(testId).filter({ hasText: text }).waitFor();
}

// Signs in through the login page, which then goes on to `returnTo`.
export async function signIn(page, login, returnTo) {
  await page.goto(`${base}/dang-nhap?return_to=${encodeURIComponent(returnTo)}`);
  await page.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').fill(login);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.waitForURL((u) => u.pathname === returnTo.split('?')[0]);
}

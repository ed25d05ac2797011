// The web shell in Debian's Chromium against a running motcua (MOTCUA_BASE_URL, started by
// scripts/test with the demo data): header, language switch, navigation, deep links, and
// accessibility (axe-core: no serious or critical violations).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

// axe-core is CommonJS; its `source` is the whole library as a string, to inject into a page.
const require = createRequire(import.meta.url);
const axeSource = require('axe-core').source;

const base = process.env.MOTCUA_BASE_URL?.replace(/\/+$/, '');
assert.ok(base, 'MOTCUA_BASE_URL must name a running motcua');
const shots = process.env.MOTCUA_E2E_SCREENSHOT_DIR;

let browser;
let instance;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  instance = await (await fetch(`${base}/api/v1/instance`)).json();
});

after(async () => {
  await browser?.close();
});

// Console errors (a Content-Security-Policy refusal among them) fail the test that saw them.
// expect404: an unknown dossier code is looked up on purpose; the browser logs its 404.
async function freshPage({ bypassCSP = false, expect404 = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !(expect404 && m.text().includes('404'))) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

async function seriousViolations(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

test('the home page shows the deployment name from /api/v1/instance', async () => {
  const { context, page, errors } = await freshPage();
  const response = await page.goto(`${base}/`);
  assert.match(response.headers()['content-security-policy'], /default-src 'self'/);
  await page.getByTestId('instance-name').filter({ hasText: instance.name }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  assert.equal(await page.locator('h1').innerText(), 'Dịch vụ công trực tuyến');
  assert.ok(instance.demo, 'scripts/test serves the demo data');
  assert.equal(await page.locator('.badge').innerText(), 'BẢN TRÌNH DIỄN');
  assert.match(await page.getByTestId('version').innerText(), new RegExp(`motcua ${instance.version}`));
  if (shots) {
    await page.screenshot({ path: path.join(shots, 'home-vi.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(shots, 'home-vi-narrow.png'), fullPage: true });
  }
  assert.deepEqual(errors, [], 'the app runs under its Content-Security-Policy without errors');
  await context.close();
});

test('the language switch changes the page to English and persists across reloads', async () => {
  const { context, page } = await freshPage();
  await page.goto(`${base}/`);
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Online public services' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'), 'true');
  await page.getByTestId('instance-name').filter({ hasText: instance.name_en }).waitFor();
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Online public services' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  if (shots) {
    await page.screenshot({ path: path.join(shots, 'home-en.png'), fullPage: true });
  }
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dịch vụ công trực tuyến' }).waitFor();
  await context.close();
});

test('the navigation reaches every page without a full reload', async () => {
  const { context, page, errors } = await freshPage({ expect404: true });
  await page.goto(`${base}/`);
  await page.evaluate(() => { window.__sameDocument = true; });
  const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
  await nav.getByRole('link', { name: 'Thủ tục hành chính' }).click();
  await page.getByRole('heading', { level: 1, name: 'Thủ tục hành chính' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/thu-tuc');
  assert.equal(await nav.getByRole('link', { name: 'Thủ tục hành chính' }).getAttribute('aria-current'), 'page');
  await nav.getByRole('link', { name: 'Tra cứu hồ sơ' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tra cứu hồ sơ' }).waitFor();
  // Submitting an empty code explains what is missing; a code opens its tracking page.
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await page.getByRole('alert').filter({ hasText: 'Vui lòng nhập mã hồ sơ.' }).waitFor();
  await page.getByLabel('Mã hồ sơ').fill('H22-261122-0001');
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await page.getByRole('heading', { level: 1, name: /H22-261122-0001/ }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/tra-cuu-ho-so');
  assert.equal(new URL(page.url()).searchParams.get('ma'), 'H22-261122-0001');
  assert.equal(await page.evaluate(() => window.__sameDocument), true);
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: 'Tra cứu hồ sơ' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('keyboard: the skip link is the first tab stop, and navigation moves focus to the content', async () => {
  const { context, page } = await freshPage();
  await page.goto(`${base}/login`);
  // Wait for the instance name: its arrival must not move the keyboard focus.
  await page.getByTestId('instance-name').filter({ hasText: instance.name }).waitFor();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Bỏ qua, đến nội dung chính' });
  assert.equal(await skip.evaluate((el) => el === document.activeElement), true);
  assert.ok((await skip.boundingBox()).x >= 0, 'the focused skip link is on screen');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'main');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'login');
  await page.getByRole('navigation').getByRole('link', { name: 'Tra cứu hồ sơ' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tra cứu hồ sơ' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'main');
  await context.close();
});

test('a deep link loads directly (server-side fallback to the app)', async () => {
  const { context, page, errors } = await freshPage({ expect404: true });
  const response = await page.goto(`${base}/tra-cuu-ho-so/ABC-123`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-type'], /^text\/html/);
  await page.getByRole('heading', { level: 1, name: /ABC-123/ }).waitFor();
  assert.equal(await page.locator('.code').innerText(), 'ABC-123');
  await page.getByText('Không tìm thấy hồ sơ với mã này.').waitFor();
  // The first tracking address still works and moves to the new one.
  await page.goto(`${base}/track/ABC-123`);
  await page.getByRole('heading', { level: 1, name: /ABC-123/ }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/tra-cuu-ho-so/ABC-123');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an unknown client route shows the not-found page', async () => {
  const { context, page } = await freshPage();
  await page.goto(`${base}/no/such/page`);
  await page.getByRole('heading', { level: 1, name: 'Không tìm thấy trang' }).waitFor();
  await page.getByRole('link', { name: 'Về trang chủ' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dịch vụ công trực tuyến' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  await context.close();
});

test('without /api/v1/instance the header shows the product name only', async () => {
  const { context, page } = await freshPage();
  await page.route('**/api/v1/instance', (route) => route.fulfill({ status: 503, body: '' }));
  await page.goto(`${base}/`);
  await page.getByRole('heading', { level: 1, name: 'Dịch vụ công trực tuyến' }).waitFor();
  await page.getByTestId('product-name').filter({ hasText: 'Một cửa' }).waitFor();
  assert.equal(await page.getByTestId('instance-name').count(), 0);
  assert.equal(await page.locator('.badge').count(), 0);
  assert.equal(await page.getByTestId('version').innerText(), 'motcua');
  await context.close();
});

for (const lang of ['vi', 'en']) {
  test(`no serious or critical accessibility violations (${lang})`, async () => {
    // axe is injected as an inline script, which the page's CSP rightly refuses.
    const { context, page } = await freshPage({ bypassCSP: true });
    await page.addInitScript((l) => localStorage.setItem('motcua.lang', l), lang);
    for (const route of ['/', '/procedures', '/tra-cuu-ho-so', '/tra-cuu-ho-so/H22-261122-0001', '/login', '/missing']) {
      await page.goto(`${base}${route}`);
      await page.locator('h1').waitFor();
      await page.getByTestId('instance-name').filter({ hasText: lang === 'en' ? instance.name_en : instance.name }).waitFor();
      const violations = await seriousViolations(page);
      assert.deepEqual(violations, [], `${route} (${lang}): ${JSON.stringify(violations)}`);
    }
    await context.close();
  });
}

// The catalog pages in Chromium against a running motcua with the demo catalog: search without
// diacritics, a filter with its facet count, the procedure page (channels, fees, cases, legal
// bases), questions and answers, a life-event bundle — each checked with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = require('axe-core').source;
const base = process.env.MOTCUA_BASE_URL?.replace(/\/+$/, '');
assert.ok(base, 'MOTCUA_BASE_URL must name a running motcua');
const shots = process.env.MOTCUA_E2E_SCREENSHOT_DIR;

let browser;
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

async function freshPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

async function serious(page) {
  await page.addScriptTag({ content: axeSource });
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

test('a search without diacritics finds the procedure, filters narrow it, the page shows everything', async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(`${base}/thu-tuc`);
  await page.getByRole('heading', { level: 2, name: /Tìm thấy \d+ thủ tục/ }).waitFor();
  await page.getByLabel('Tìm theo tên thủ tục, lĩnh vực hoặc từ khóa').fill('dang ky khai sinh');
  await page.getByRole('button', { name: 'Tìm kiếm' }).click();
  const first = page.locator('.results li').first();
  await first.getByRole('link', { name: 'Đăng ký khai sinh', exact: true }).waitFor();
  assert.equal(await first.locator('h3 mark').count(), 4, 'the matched words of the name are marked');
  assert.ok(new URL(page.url()).search.includes('q=dang+ky+khai+sinh'), 'the search is in the address');
  if (shots) await page.screenshot({ path: path.join(shots, 'catalog-search.png'), fullPage: true });
  assert.deepEqual(await serious(page), []);

  // A filter shows its count, and choosing it keeps only those results.
  const level = page.getByLabel('Cấp thực hiện');
  const option = await level.locator('option', { hasText: 'Cấp Xã' }).first().textContent();
  const count = Number(/\((\d+)\)/.exec(option)[1]);
  await level.selectOption('commune');
  await page.getByRole('heading', { level: 2, name: `Tìm thấy ${count} thủ tục` }).waitFor();

  await first.getByRole('link', { name: 'Đăng ký khai sinh', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/thu-tuc/1.001193');
  await page.getByRole('heading', { name: 'Cách thức thực hiện, thời hạn giải quyết, phí và lệ phí' }).waitFor();
  await page.getByRole('cell', { name: 'Trực tiếp' }).first().waitFor();
  await page.getByRole('heading', { name: 'Căn cứ pháp lý' }).waitFor();
  await page.getByText('Luật Hộ tịch', { exact: false }).first().waitFor();
  assert.ok(await page.getByRole('heading', { name: /Trường hợp:/ }).count() >= 2, 'each case has its section');
  if (shots) await page.screenshot({ path: path.join(shots, 'catalog-procedure.png'), fullPage: true });
  assert.deepEqual(await serious(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('questions and answers, and a life-event bundle', async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(`${base}/hoi-dap`);
  await page.getByLabel('Tìm theo tên thủ tục, lĩnh vực hoặc từ khóa').fill('khai sinh');
  await page.getByRole('button', { name: 'Tìm kiếm' }).click();
  const question = page.locator('.faq summary').first();
  await question.locator('mark').first().waitFor();
  await question.click();
  await page.locator('.faq details[open] p').first().waitFor();
  assert.deepEqual(await serious(page), []);

  await page.goto(`${base}/lien-thong/khai-sinh`);
  await page.getByRole('heading', { level: 1, name: /Liên thông đăng ký khai sinh/ }).waitFor();
  await page.getByRole('heading', { name: 'Giấy tờ cần chuẩn bị' }).waitFor();
  const names = await page.locator('.documents li').allTextContents();
  assert.ok(names.length > 0);
  if (shots) await page.screenshot({ path: path.join(shots, 'catalog-bundle.png'), fullPage: true });
  assert.deepEqual(await serious(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an agency admin sees the catalog with deadlines, suspends and republishes, and reads a diff', async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(`${base}/dang-nhap?return_to=%2Fquan-tri%2Fthu-tuc`);
  await page.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').fill('admin.demo');
  await page.getByLabel('Mật khẩu').fill('Demo@2026');
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Quản trị danh mục thủ tục' }).waitFor();
  const row = page.locator('[data-testid="admin-row"]', { hasText: '2.913001' });
  await row.waitFor();
  await row.getByRole('button', { name: 'Tạm ngưng' }).click();
  await page.getByRole('status').filter({ hasText: 'Thủ tục 2.913001: Tạm ngưng.' }).waitFor();
  await row.getByRole('button', { name: 'Công bố' }).click();
  await page.getByRole('status').filter({ hasText: 'Thủ tục 2.913001: Đã công bố.' }).waitFor();
  await row.getByRole('button', { name: 'Phiên bản' }).click();
  await row.getByText('phiên bản 1', { exact: false }).first().waitFor();
  if (shots) await page.screenshot({ path: path.join(shots, 'catalog-admin.png'), fullPage: false });
  assert.deepEqual(await serious(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an agency admin adds a question, then makes it public', async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(`${base}/dang-nhap?return_to=%2Fquan-tri%2Fhoi-dap`);
  await page.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').fill('admin.demo');
  await page.getByLabel('Mật khẩu').fill('Demo@2026');
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Quản trị hỏi đáp' }).waitFor();
  const question = `Nộp phiếu lý lịch tư pháp qua bưu điện được không? (${Date.now()})`;
  await page.getByLabel('Mã thủ tục').fill('2.913001');
  await page.locator('#faq-question').fill(question);
  await page.getByLabel('Trả lời').fill('Được; kết quả cũng có thể gửi qua bưu chính công ích.');
  await page.getByRole('button', { name: 'Thêm (chưa công khai)' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã thêm câu hỏi' }).waitFor();
  const row = page.locator('[data-testid="faq-row"]', { hasText: question });
  await row.getByRole('button', { name: 'Công khai' }).click();
  await row.getByRole('button', { name: 'Thôi công khai' }).waitFor();
  assert.deepEqual(await serious(page), []);
  const found = await page.evaluate((q) => fetch(`/api/v1/faq?q=${encodeURIComponent(q)}`).then((r) => r.json()), 'buu dien ly lich');
  assert.ok(found.items.some((i) => i.question === question), 'the published question is searchable');
  assert.deepEqual(errors, []);
  await context.close();
});

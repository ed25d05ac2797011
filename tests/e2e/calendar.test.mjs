// The working calendar in Chromium against a running motcua with demo data: the public page
// (holidays with unconfirmed ones marked, working hours, the deadline calculator and its field
// errors), a system administrator adding, refusing and removing a holiday, and an agency
// administrator setting the agency's working hours — each checked with axe.
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

// A Friday and the Saturday after it, far from any date other tests count deadlines over.
const kFriday = '2027-11-19';
const kSaturday = '2027-11-20';

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
  page.on('console', (m) => {
    // A refused request is logged by Chromium; refusals are what some steps test.
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

async function serious(page) {
  await page.addScriptTag({ content: axeSource });
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

async function signIn(page, login, returnTo) {
  await page.goto(`${base}/dang-nhap?return_to=${encodeURIComponent(returnTo)}`);
  await page.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').fill(login);
  await page.getByLabel('Mật khẩu').fill('Demo@2026');
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
}

test('the public calendar shows Tết 2026, unconfirmed days, the hours, and works out a deadline', async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(`${base}/`);
  await page.getByRole('contentinfo').getByRole('link', { name: 'Lịch làm việc' }).click();
  await page.getByRole('heading', { level: 1, name: 'Lịch làm việc' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/lich-lam-viec');
  assert.match(await page.getByTestId('working-hours').textContent(), /07:00–11:30.*13:30–17:00/);

  await page.getByLabel('Năm', { exact: true }).selectOption('2026');
  await page.getByRole('heading', { level: 2, name: 'Ngày nghỉ lễ và ngày làm bù năm 2026' }).waitFor();
  const tet = page.locator('[data-testid="calendar-day"][data-date="2026-02-17"]');
  await tet.waitFor();
  assert.deepEqual(
    (await tet.locator('th, td').allTextContents()).map((s) => s.trim()),
    ['17/02/2026', 'Thứ Ba', 'Ngày nghỉ', 'Tết Nguyên đán (mùng 1)'],
  );
  const swapped = page.locator('[data-testid="calendar-day"][data-date="2026-01-10"]');
  assert.match(await swapped.textContent(), /Thứ Bảy.*Ngày làm bù/);

  await page.getByLabel('Năm', { exact: true }).selectOption('2027');
  const unconfirmed = page.locator('[data-testid="calendar-day"][data-date="2027-02-04"]');
  await unconfirmed.waitFor();
  assert.match(await unconfirmed.textContent(), /chưa xác nhận/);
  assert.doesNotMatch(
    await page.locator('[data-testid="calendar-day"][data-date="2027-01-01"]').textContent(),
    /chưa xác nhận/,
  );
  await page.getByText('Ngày ghi “chưa xác nhận”', { exact: false }).waitFor();

  // 16:00 on Friday 13/02/2026 + 1 working day online: Tết (16–20/02) and two weekends skipped.
  await page.getByLabel('Thời điểm nộp hoặc tiếp nhận hồ sơ').fill('2026-02-13T16:00');
  await page.getByLabel(/^Thời hạn\s*\*?$/).fill('1');
  await page.getByLabel('Đơn vị').selectOption('working_days');
  await page.getByLabel('Hình thức nộp').selectOption('online');
  await page.getByRole('button', { name: 'Tính hạn' }).click();
  await page.getByTestId('due-at').waitFor();
  assert.equal(await page.getByTestId('due-at').textContent(), '16:00 thứ Hai, 23/02/2026');
  assert.equal(await page.getByTestId('counting-start').textContent(), '16:00 thứ Sáu, 13/02/2026');
  if (shots) await page.screenshot({ path: path.join(shots, 'calendar-public.png'), fullPage: true });
  assert.deepEqual(await serious(page), []);

  // The server's field errors appear next to the fields, and the form can be fixed by keyboard.
  await page.getByLabel(/^Thời hạn\s*\*?$/).fill('nhiều');
  await page.getByLabel('Mã cơ quan (không bắt buộc)').fill('KHONG.CO');
  await page.getByLabel('Mã cơ quan (không bắt buộc)').press('Enter');
  await page.locator('#calc-amount-error').waitFor();
  assert.equal(await page.locator('#calc-amount-error').textContent(), 'Số nguyên từ 0 đến 3650.');
  assert.equal(await page.getByLabel(/^Thời hạn\s*\*?$/).getAttribute('aria-invalid'), 'true');
  await page.getByRole('alert').filter({ hasText: 'Chưa thực hiện được' }).waitFor();
  assert.equal(await page.getByTestId('due-at').count(), 0, 'no stale result next to an error');
  await page.getByLabel(/^Thời hạn\s*\*?$/).fill('1');
  await page.getByLabel('Mã cơ quan (không bắt buộc)').press('Enter');
  await page.locator('#calc-agency-error').waitFor();
  assert.match(await page.locator('#calc-agency-error').textContent(), /cơ quan/);
  if (shots) await page.screenshot({ path: path.join(shots, 'calendar-public-errors.png'), fullPage: true });
  assert.deepEqual(await serious(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a system administrator adds a holiday, is refused one on a Saturday, and removes it', async () => {
  const { context, page, errors } = await freshPage();
  await signIn(page, 'sysadmin.demo', '/quan-tri/lich-lam-viec');
  await page.getByRole('heading', { level: 1, name: 'Quản trị lịch làm việc' }).waitFor();
  await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Quản trị lịch' }).waitFor();

  const name = 'Ngày hội thử nghiệm lịch';
  await page.getByLabel(/^Ngày\s*\*?$/).fill(kFriday);
  await page.getByLabel('Loại ngày').selectOption('holiday');
  await page.getByLabel('Tên ngày').fill(name);
  await page.getByLabel('Tên tiếng Anh').fill('Calendar test day');
  await page.getByRole('button', { name: 'Lưu ngày' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã lưu ngày 19/11/2027.' }).waitFor();
  const row = page.locator(`[data-testid="calendar-day"][data-date="${kFriday}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), new RegExp(`Thứ Sáu.*Ngày nghỉ.*${name}`));
  const listed = await page.evaluate(() => fetch('/api/v1/calendar?year=2027').then((r) => r.json()));
  assert.ok(listed.days.some((d) => d.date === '2027-11-19' && d.kind === 'holiday'), 'the holiday is public');

  // A holiday must be a weekday: the server refuses a Saturday and says why beside the field.
  await page.getByLabel(/^Ngày\s*\*?$/).fill(kSaturday);
  await page.getByLabel('Tên ngày').fill(name);
  await page.getByRole('button', { name: 'Lưu ngày' }).click();
  await page.locator('#day-kind-error').waitFor();
  assert.match(await page.locator('#day-kind-error').textContent(), /Thứ Bảy, Chủ nhật/);
  assert.equal(await page.getByLabel('Loại ngày').getAttribute('aria-invalid'), 'true');
  await page.getByRole('alert').filter({ hasText: 'Chưa thực hiện được' }).waitFor();
  assert.equal(await page.locator(`[data-testid="calendar-day"][data-date="${kSaturday}"]`).count(), 0);
  if (shots) await page.screenshot({ path: path.join(shots, 'calendar-admin-days.png'), fullPage: true });
  assert.deepEqual(await serious(page), []);

  // Back to the weekly rule, by keyboard.
  await row.getByRole('button', { name: 'Trả về lịch tuần ngày 19/11/2027' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'Ngày 19/11/2027 đã trở về lịch làm việc theo tuần.' }).waitFor();
  await row.waitFor({ state: 'detached' });
  const after = await page.evaluate(() => fetch('/api/v1/calendar?year=2027').then((r) => r.json()));
  assert.ok(!after.days.some((d) => d.date === '2027-11-19' && d.kind === 'holiday'), 'the holiday is gone');
  assert.deepEqual(errors, []);
  await context.close();
});

test("an agency administrator sets the agency's working hours, and a wrong time is refused", async () => {
  const { context, page, errors } = await freshPage();
  await signIn(page, 'admin.demo', '/quan-tri/lich-lam-viec');
  await page.getByRole('heading', { level: 1, name: 'Quản trị lịch làm việc' }).waitFor();
  await page.getByText('Chỉ quản trị hệ thống thêm, sửa ngày nghỉ lễ và ngày làm bù.').waitFor();
  assert.equal(await page.getByLabel('Mã cơ quan').inputValue(), '000.00.02.H99');
  await page.getByRole('heading', { name: 'Giờ làm việc của cơ quan 000.00.02.H99' }).waitFor();

  await page.getByLabel('Buổi sáng bắt đầu').fill('07:30');
  await page.getByLabel('Buổi sáng kết thúc').fill('11:30');
  await page.getByLabel('Buổi chiều bắt đầu').fill('13:00');
  await page.getByLabel('Buổi chiều kết thúc').fill('17:00');
  await page.getByRole('button', { name: 'Lưu giờ làm việc' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã lưu giờ làm việc của cơ quan 000.00.02.H99.' }).waitFor();
  assert.equal(await page.getByTestId('hours-own').textContent(), 'Cơ quan đang dùng giờ làm việc riêng.');
  const cal = await page.evaluate(() => fetch('/api/v1/calendar?year=2026&agency=000.00.02.H99').then((r) => r.json()));
  assert.equal(cal.working_hours.morning_start, '07:30');
  assert.equal(cal.working_hours.afternoon_start, '13:00');

  await page.getByLabel('Buổi sáng bắt đầu').fill('25:00');
  await page.getByRole('button', { name: 'Lưu giờ làm việc' }).click();
  await page.locator('#hours-morning-start-error').waitFor();
  assert.equal(await page.locator('#hours-morning-start-error').textContent(), 'Giờ dạng HH:MM.');
  assert.equal(await page.getByLabel('Buổi sáng bắt đầu').getAttribute('aria-invalid'), 'true');
  await page.getByRole('alert').filter({ hasText: 'Chưa thực hiện được' }).waitFor();
  if (shots) await page.screenshot({ path: path.join(shots, 'calendar-admin-hours.png'), fullPage: true });
  assert.deepEqual(await serious(page), []);
  const unchanged = await page.evaluate(() => fetch('/api/v1/calendar?year=2026&agency=000.00.02.H99').then((r) => r.json()));
  assert.equal(unchanged.working_hours.morning_start, '07:30', 'a refused change writes nothing');

  // Back to the common hours, so other tests count on them.
  await page.getByRole('button', { name: 'Dùng giờ làm việc chung' }).click();
  await page.getByRole('status').filter({ hasText: 'Cơ quan 000.00.02.H99 trở về giờ làm việc chung.' }).waitFor();
  assert.equal(await page.getByTestId('hours-own').textContent(), 'Cơ quan đang dùng giờ làm việc chung.');
  assert.equal(await page.getByLabel('Buổi sáng bắt đầu').inputValue(), '07:00');
  assert.deepEqual(errors, []);
  await context.close();
});

// The identity pages in Chromium against a running motcua: login and logout, a wrong password,
// registration (a refused personal ID, then a good one), sessions revoked from another browser,
// TOTP enrolment from the QR page and the login that then asks for a code, the consent page of a
// third-party client (deny, then allow), password reset through the demo mail log — each page
// checked with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = require('axe-core').source;

const base = process.env.MOTCUA_BASE_URL?.replace(/\/+$/, '');
assert.ok(base, 'MOTCUA_BASE_URL must name a running motcua');
const shots = process.env.MOTCUA_E2E_SCREENSHOT_DIR;
const mailLog = process.env.MOTCUA_DEMO_MAIL_LOG;

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
});

// Console errors fail the test, except the 4xx answers a test provokes on purpose.
async function freshPage({ expect4xx = false } = {}) {
  // axe is injected as an inline script, which the page's CSP rightly refuses.
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (expect4xx && /status of 4\d\d/.test(m.text())) return;
    errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

async function shot(page, name) {
  if (shots) await page.screenshot({ path: path.join(shots, `identity-${name}.png`), fullPage: true });
}

async function seriousViolations(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

/** A new citizen with a valid personal ID (Hà Nội, male, born in the 1990s), made through the API. */
async function newCitizen() {
  const yy = String(randomInt(80, 99));
  const pin = `0010${yy}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
  const password = 'Kiem@tra2026';
  const r = await fetch(`${base}/api/v1/accounts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      kind: 'citizen', personal_id: pin, full_name: 'Trần Văn Kiểm', birth_date: `19${yy}-05-17`, gender: 'male',
      email: `kiem${pin}@demo.invalid`, phone: '0912000111', password,
    }),
  });
  assert.equal(r.status, 201, await r.text());
  return { login: pin, password };
}

async function signInThroughThePage(page, login, password) {
  await page.goto(`${base}/dang-nhap`);
  await page.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').fill(login);
  await page.getByLabel('Mật khẩu', { exact: false }).first().fill(password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
}

// RFC 6238 with SHA-1, 30 s steps, 6 digits; `offset` in steps.
function totp(secretBase32, offset = 0) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + offset));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).toString();
  return n.padStart(6, '0');
}

test('a citizen signs in, sees the account page, and signs out', async () => {
  const { context, page, errors } = await freshPage();
  await signInThroughThePage(page, 'citizen.demo', 'Demo@2026');
  await page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/tai-khoan');
  await page.getByText('001085012345').waitFor();
  const header = page.getByRole('group', { name: 'Tài khoản đang đăng nhập' });
  await header.getByRole('link', { name: 'Nguyễn Văn An' }).waitFor();
  await shot(page, 'account');
  assert.deepEqual(await seriousViolations(page), []);
  await header.getByRole('button', { name: 'Đăng xuất' }).click();
  await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Đăng nhập' }).waitFor();
  const session = await page.evaluate(() => fetch('/api/v1/session').then((r) => r.json()));
  assert.equal(session.signed_in, false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a wrong password is explained, and the form can be fixed by keyboard', async () => {
  const { context, page, errors } = await freshPage({ expect4xx: true });
  await signInThroughThePage(page, 'citizen2.demo', 'Sai@matkhau1');
  const summary = page.getByRole('alert').filter({ hasText: 'Tên đăng nhập hoặc mật khẩu không đúng.' });
  await summary.waitFor();
  assert.equal(await summary.evaluate((el) => el === document.activeElement), true, 'the summary takes focus');
  await shot(page, 'login-wrong');
  assert.deepEqual(await seriousViolations(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('registration shows the server\'s field error next to the personal ID, then creates and signs in', async () => {
  const { context, page, errors } = await freshPage({ expect4xx: true });
  await page.goto(`${base}/dang-ky`);
  // 099 is no province: the server refuses the number and says why, next to the field.
  await page.getByLabel('Số định danh cá nhân').fill('099090123456');
  await page.getByLabel('Họ và tên').fill('Lê Thị Hoa');
  await page.getByLabel('Ngày sinh').fill('1990-03-04');
  await page.getByLabel('Giới tính').selectOption('female');
  await page.getByLabel('Thư điện tử').fill('hoa@demo.invalid');
  await page.getByLabel('Số điện thoại').fill('0912345670');
  await page.getByLabel('Mật khẩu mới').fill('Hoa@2026abc');
  await page.getByLabel('Nhập lại mật khẩu').fill('Hoa@2026abc');
  await page.getByRole('button', { name: 'Đăng ký' }).click();
  await page.getByRole('alert').filter({ hasText: 'Chưa đăng ký được' }).waitFor();
  const field = page.getByLabel('Số định danh cá nhân');
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  const described = await field.getAttribute('aria-describedby');
  assert.ok(described.includes('reg-personal-id-error'));
  assert.ok((await page.locator('#reg-personal-id-error').innerText()).length > 0);
  await shot(page, 'register-refused');
  assert.deepEqual(await seriousViolations(page), []);

  const pin = `0011900${String(randomInt(0, 100000)).padStart(5, '0')}`;
  await field.fill(pin);
  await page.getByLabel('Thư điện tử').fill(`hoa${pin}@demo.invalid`);
  await page.getByRole('button', { name: 'Đăng ký' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).waitFor();
  await page.getByText(pin).first().waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a session is revoked from another browser, which is then signed out', async () => {
  const who = await newCitizen();
  const a = await freshPage();
  const b = await freshPage();
  await signInThroughThePage(a.page, who.login, who.password);
  await a.page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).waitFor();
  await signInThroughThePage(b.page, who.login, who.password);
  await b.page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).waitFor();

  await a.page.getByRole('navigation', { name: 'Mục tài khoản' }).getByRole('link', { name: 'Phiên đăng nhập' }).click();
  const rows = a.page.getByTestId('session-row');
  const others = a.page.locator('[data-testid="session-row"][data-current="false"]');
  await rows.nth(1).waitFor();
  assert.equal(await a.page.locator('[data-testid="session-row"][data-current="true"]').count(), 1);
  await shot(a.page, 'sessions');
  assert.deepEqual(await seriousViolations(a.page), []);
  // Every other session (the registration's and browser b's) is signed out from here.
  while ((await others.count()) > 0) {
    const before = await rows.count();
    await others.first().getByRole('button').click();
    await a.page.waitForFunction((n) => document.querySelectorAll('[data-testid="session-row"]').length === n - 1, before);
  }
  await a.page.getByRole('status').filter({ hasText: 'Đã đăng xuất phiên đó.' }).waitFor();
  assert.equal(await rows.count(), 1);

  await b.page.reload();
  await b.page.getByText('Vui lòng đăng nhập để xem trang này.').waitFor();
  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
  await a.context.close();
  await b.context.close();
});

test('TOTP enrolment from the QR page, then every login asks for a code', async () => {
  const who = await newCitizen();
  const { context, page, errors } = await freshPage({ expect4xx: true });
  await signInThroughThePage(page, who.login, who.password);
  await page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).waitFor();
  await page.getByRole('navigation', { name: 'Mục tài khoản' }).getByRole('link', { name: 'Bảo mật' }).click();
  await page.getByRole('button', { name: 'Thiết lập xác thực hai lớp' }).click();
  const qr = page.getByTestId('totp-qr');
  await qr.waitFor();
  assert.ok((await qr.getAttribute('src')).startsWith('data:image/png;base64,'));
  assert.equal(await qr.getAttribute('alt'), 'Mã QR để thêm tài khoản vào ứng dụng xác thực');
  const secret = await page.getByTestId('totp-secret').innerText();
  await shot(page, 'totp-enrol');
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByLabel('Mã xác thực (6 chữ số)').fill(totp(secret));
  await page.getByRole('button', { name: 'Bật xác thực hai lớp' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã bật xác thực hai lớp.' }).waitFor();
  await page.getByRole('group', { name: 'Tài khoản đang đăng nhập' }).getByRole('button', { name: 'Đăng xuất' }).click();

  await signInThroughThePage(page, who.login, who.password);
  await page.getByLabel('Mã xác thực (6 chữ số)').waitFor();
  await shot(page, 'totp-login');
  // The code just used to enrol cannot be used again; the next one can.
  await page.getByLabel('Mã xác thực (6 chữ số)').fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Xác nhận' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('the consent page of a third-party client: deny, then allow', async () => {
  const { context, page, errors } = await freshPage();
  // The relying party: a page at its registered redirect URI.
  const rp = http.createServer((req, res) => res.end('relying party'));
  await new Promise((resolve) => rp.listen(8765, '127.0.0.1', resolve));
  await signInThroughThePage(page, 'citizen.demo', 'Demo@2026');
  await page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).waitFor();
  const authorize = `${base}/oauth2/authorize?response_type=code&client_id=demo-thirdparty` +
    `&redirect_uri=${encodeURIComponent('http://127.0.0.1:8765/callback')}&scope=${encodeURIComponent('openid profile vn_profile')}` +
    '&state=s1&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256';
  await page.goto(authorize);
  await page.getByRole('heading', { level: 1, name: 'Cho phép ứng dụng truy cập' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/dong-y');
  await page.getByText('Ứng dụng bên thứ ba mẫu đề nghị được dùng tài khoản của bạn để:').waitFor();
  await page.getByText('Xem thông tin định danh', { exact: false }).waitFor();
  await shot(page, 'consent');
  assert.deepEqual(await seriousViolations(page), []);

  await page.getByRole('button', { name: 'Từ chối' }).click();
  await page.waitForURL(/^http:\/\/127\.0\.0\.1:8765\/callback/);
  assert.equal(new URL(page.url()).searchParams.get('error'), 'access_denied');

  await page.goto(authorize);
  await page.getByRole('button', { name: 'Cho phép' }).click();
  await page.waitForURL(/^http:\/\/127\.0\.0\.1:8765\/callback/);
  assert.ok(new URL(page.url()).searchParams.get('code'));
  assert.equal(new URL(page.url()).searchParams.get('state'), 's1');
  // Asked once: the next request goes straight back with a code.
  await page.goto(authorize);
  await page.waitForURL(/^http:\/\/127\.0\.0\.1:8765\/callback/);
  assert.ok(new URL(page.url()).searchParams.get('code'));
  assert.deepEqual(errors, []);
  await context.close();
  rp.close();
});

test('a forgotten password is reset through the link in the demo mail log', { skip: !mailLog }, async () => {
  const who = await newCitizen();
  const { context, page, errors } = await freshPage();
  await page.goto(`${base}/dang-nhap`);
  await page.getByRole('link', { name: 'Quên mật khẩu?' }).click();
  await page.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').fill(who.login);
  await page.getByRole('button', { name: 'Gửi liên kết' }).click();
  await page.getByRole('status').waitFor();
  assert.deepEqual(await seriousViolations(page), []);

  const log = await readFile(mailLog, 'utf8');
  const line = log.split('\n').reverse().find((l) => l.includes(`kiem${who.login}@demo.invalid`));
  assert.ok(line, 'the reset message is in the demo mail log');
  const link = /link=(\S+)/.exec(line)[1];
  const url = new URL(link);
  assert.equal(url.pathname, '/dat-lai-mat-khau');
  await page.goto(`${base}${url.pathname}${url.search}`);
  await page.getByLabel('Mật khẩu mới').fill('Moi@matkhau2026');
  await page.getByLabel('Nhập lại mật khẩu').fill('Moi@matkhau2026');
  await page.getByRole('button', { name: 'Đặt mật khẩu mới' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã đặt mật khẩu mới.' }).waitFor();
  await shot(page, 'reset-done');
  await signInThroughThePage(page, who.login, 'Moi@matkhau2026');
  await page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

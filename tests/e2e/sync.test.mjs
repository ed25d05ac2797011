// The national portal's "Hồ sơ của tôi": a dossier another member (Nghệ An, H41) published over
// the HTTP sync API shows in the citizen's list, marked with the member and agency that hold
// it, and links to the national tracking view; on a desktop and on a phone (390 px).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base, PASSWORD, freshPage, serious, shot, useBrowser } from './browser.mjs';

useBrowser();

async function session(login) {
  const r = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password: PASSWORD }),
  });
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await r.json();
  return { cookie, csrf };
}

test("a dossier published by another member appears in the citizen's dossiers and opens national tracking", async () => {
  // The sysadmin binds the sync client to member H41; the member's system posts a record.
  const admin = await session('sysadmin.demo');
  const reg = await fetch(`${base}/api/v1/admin/sync/members/H41`, {
    method: 'PUT', headers: { Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'UBND tỉnh Nghệ An', client_id: 'demo-service' }),
  });
  assert.equal(reg.status, 200, await reg.text());
  const tok = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from('demo-service:demo-service-secret').toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  assert.equal(tok.status, 200);
  const { access_token: token } = await tok.json();
  const code = `000.00.01.H41-261201-${String(Date.now() % 10000).padStart(4, '0')}`;
  const posted = await fetch(`${base}/api/v1/national/sync`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      madonvi: 'H41', service: 'DongBoHoSoMC',
      data: [{ MaHoSo: code, MaTTHC: '1.005129', TenTTHC: 'Đăng ký khai sinh', TrangThaiHoSo: 4, NgayNopHoSo: '20261201080000',
        NgayTiepNhan: '20261201090000', NgayHenTra: '20261205170000', DonViXuLy: 'UBND xã Hưng Lộc', SoGiayToChuHoSo: '079190123456',
        ChuHoSo: 'Trần Thị Bình' }],
    }),
  });
  const result = await posted.json();
  assert.equal(result.results?.[0]?.status, 'accepted', JSON.stringify(result));

  // citizen2.demo (ID number 079190123456) signed in: the list has it, marked.
  const citizen = await session('citizen2.demo');
  const { page, context } = await freshPage();
  await context.addCookies([{ name: citizen.cookie.split('=')[0], value: citizen.cookie.split('=').slice(1).join('='), url: base }]);
  await page.goto(`${base}/ho-so-cua-toi`);
  const row = page.locator('[data-testid="my-dossier"][data-source="national"]', { hasText: code });
  await row.waitFor();
  await row.getByText('Hồ sơ tại UBND tỉnh Nghệ An').waitFor();
  await row.getByText('Nơi xử lý: UBND xã Hưng Lộc').waitFor();
  await page.getByText('do tỉnh, bộ khác giải quyết', { exact: false }).waitFor();
  assert.deepEqual(await serious(page), []);
  await shot(page, 'sync-my-dossiers');

  // On a phone: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await row.waitFor();
  const out = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 1).slice(0, 12)
      .map((e) => `${e.tagName}.${e.className} right=${Math.round(e.getBoundingClientRect().right)}`);
    return { sw: document.documentElement.scrollWidth, w, wide };
  });
  assert.equal(out.sw, out.w, `wider than the screen: ${out.wide.join('; ')}`);
  await shot(page, 'sync-my-dossiers-phone');

  // The code opens the national tracking view, with the holder and the status.
  await row.getByRole('link', { name: code }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/tra-cuu-ho-so'));
  await page.getByText('UBND xã Hưng Lộc — UBND tỉnh Nghệ An').waitFor();
  assert.deepEqual(await serious(page), []);
  await shot(page, 'sync-national-track-phone');
  await context.close();
});

// A submitted dossier's page on a phone (390 px): the e-form's answers, nested groups and lists
// included, fit the screen without scrolling sideways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base, PASSWORD, freshPage, serious, shot, useBrowser } from './browser.mjs';

useBrowser();

test('a dossier with a nested e-form fits a phone screen', async () => {
  const r = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'citizen.demo', password: PASSWORD }) });
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await r.json();
    const pdf = '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n';
  const up = await (await fetch(`${base}/api/v1/attachments?name=a.pdf`, { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/pdf' }, body: pdf })).json();
  const person = { ho_ten: 'Nguyễn Văn An', gioi_tinh: 'male', ngay_sinh: '1985-03-02', noi_sinh: 'Hà Nội', quoc_tich: 'Việt Nam', dan_toc: 'Kinh', so_dinh_danh: '001085012345', noi_thuong_tru: 'Số 1 phố Tràng Tiền, phường Tràng Tiền, quận Hoàn Kiếm, thành phố Hà Nội' };
  const form = { nguoi_duoc_cap_phieu: person, qua_trinh_cu_tru: [{ tu_ngay: '1999-03-02', den_ngay: '2026-11-30', noi_cu_tru: 'Số 1 phố Tràng Tiền, phường Tràng Tiền, quận Hoàn Kiếm, thành phố Hà Nội' }], loai_phieu: 1, so_luong_phieu: 1, muc_dich: 'Bổ sung hồ sơ xin việc', hinh_thuc_nhan: 'truc_tiep' };
  const body = { procedure_code: '2.913001', case_code: '1', form, documents: [{ code: 'GT.2913001.1.01', attachment_ids: [up.id] }] };
  const s = await fetch(`${base}/api/v1/dossiers`, { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const d = await s.json();
  assert.equal(s.status, 201, JSON.stringify(d));
  const { page, context } = await freshPage(['400', '422']);
  await context.addCookies([{ name: cookie.split('=')[0], value: cookie.split('=').slice(1).join('='), url: base }]);
  await page.setViewportSize({ width: 390, height: 844 });
  const { code } = d;
  await page.goto(`${base}/ho-so?ma=${encodeURIComponent(code)}`);
  await page.getByRole('heading', { level: 2, name: 'Tờ khai' }).waitFor();
  await page.getByText('Quá trình cư trú', { exact: false }).first().waitFor();
  const out = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 1).slice(0, 12)
      .map((e) => `${e.tagName}.${e.className} right=${Math.round(e.getBoundingClientRect().right)} text=${(e.textContent || '').slice(0, 40)}`);
    return { sw: document.documentElement.scrollWidth, w, wide };
  });
  assert.equal(out.sw, out.w, `wider than the screen: ${out.wide.join('; ')}`);
  assert.deepEqual(await serious(page), []);
  await shot(page, 'dossier-phone');
  await context.close();
});

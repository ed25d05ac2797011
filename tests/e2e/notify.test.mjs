// Notifications in Chromium against a running motcua with the demo data: a dossier submitted
// (through the API) lights the citizen's bell; the notifications page lists it with a link to
// the dossier and marks it read; a system administrator reads the delivery log and is refused a
// template that names a field the event does not have. Every page passes axe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base, PASSWORD, freshPage, serious, shot, tinyPdf, useBrowser, signIn } from './browser.mjs';

useBrowser();

// An online submission of 2.913001 over the API, as citizen.demo.
async function submitOverApi() {
  const session = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: 'citizen.demo', password: PASSWORD }),
  });
  assert.equal(session.status, 200);
  const cookie = session.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await session.json();
  const headers = { Cookie: cookie, 'X-CSRF-Token': csrf };
  const up = await fetch(`${base}/api/v1/attachments?name=to-khai.pdf`, {
    method: 'POST', headers: { ...headers, 'Content-Type': 'application/pdf' }, body: tinyPdf('thong bao'),
  });
  assert.equal(up.status, 201);
  const { id } = await up.json();
  const form = {
    nguoi_duoc_cap_phieu: { ho_ten: 'Nguyễn Văn An', gioi_tinh: 'male', ngay_sinh: '1985-03-02', noi_sinh: 'Hà Nội',
      quoc_tich: 'Việt Nam', dan_toc: 'Kinh', so_dinh_danh: '001085012345', noi_thuong_tru: 'Số 1 phố Tràng Tiền, Hà Nội' },
    qua_trinh_cu_tru: [{ tu_ngay: '1999-03-02', den_ngay: '2026-11-30', noi_cu_tru: 'Số 1 phố Tràng Tiền, Hà Nội' }],
    loai_phieu: 1, so_luong_phieu: 1, muc_dich: 'Bổ sung hồ sơ xin việc', hinh_thuc_nhan: 'truc_tiep',
  };
  const r = await fetch(`${base}/api/v1/dossiers`, {
    method: 'POST', headers: { ...headers, 'Content-Type': 'application/json', 'Idempotency-Key': `notify-e2e-${Date.now()}` },
    body: JSON.stringify({ procedure_code: '2.913001', case_code: '1', channel: 'online', form,
      documents: [{ code: 'GT.2913001.1.01', attachment_ids: [id] }], summary: 'Xin cấp Phiếu lý lịch tư pháp số 1' }),
  });
  assert.equal(r.status, 201, await r.clone().text());
  return (await r.json()).code;
}

test('a submitted dossier lights the bell; the notifications page links to it and marks it read', async () => {
  const code = await submitOverApi();
  const { context, page, errors } = await freshPage();
  await signIn(page, 'citizen.demo', '/thong-bao');
  const bell = page.getByTestId('bell');
  await page.getByTestId('bell-count').waitFor();
  assert.match(await bell.getAttribute('aria-label'), /^Thông báo, \d+ chưa đọc$/);
  const item = page.getByTestId('notifications').locator('li').filter({ hasText: `Hồ sơ ${code} đã được nộp` });
  await item.waitFor();
  assert.ok(await item.getByRole('link', { name: `Xem hồ sơ ${code}` }).isVisible());
  assert.deepEqual(await serious(page), []);
  await shot(page, 'notifications');
  await page.getByRole('button', { name: 'Đánh dấu tất cả đã đọc' }).click();
  await page.getByTestId('unread-count').filter({ hasText: '0 thông báo chưa đọc' }).waitFor();
  await page.getByTestId('bell-count').waitFor({ state: 'detached' });
  assert.equal(await bell.getAttribute('aria-label'), 'Thông báo');
  // English labels.
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
  assert.ok(await page.getByText(`Dossier ${code} submitted`).first().isVisible());
  assert.deepEqual(errors, []);
  await context.close();
});

test('a system administrator reads the delivery log and cannot save a template with an unknown field', async () => {
  const { context, page, errors } = await freshPage(['400']);
  await signIn(page, 'sysadmin.demo', '/quan-tri/thong-bao');
  await page.getByTestId('notification-log').waitFor();
  assert.deepEqual(await serious(page), []);
  await shot(page, 'notification-log');
  await page.getByRole('link', { name: 'Mẫu tin nhắn' }).click();
  const subject = page.locator('#tpl-email-vi-subject');
  await subject.waitFor();
  await subject.fill('Hồ sơ {{code}} {{khong_co}}');
  await page.getByRole('button', { name: 'Lưu mẫu' }).click();
  await page.locator('.error-summary').filter({ hasText: 'khong_co' }).waitFor();
  assert.deepEqual(await serious(page), []);
  await shot(page, 'notification-templates');
  assert.deepEqual(errors, []);
  await context.close();
});

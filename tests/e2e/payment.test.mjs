// Payments in Chromium against a running motcua with the demo data and the payment platform's
// sandbox (scripts/lib/services.sh starts `motcua paysim` beside the server, as scripts/run does):
// a citizen pays a dossier's phí and lệ phí through the sandbox's approval page and the dossier
// continues, with both e-receipts downloadable; a declined payment leaves it waiting; the receiver
// sees the dossier's ledger; the agency administrator reconciles the day against the statement
// fetched from the platform over a window of days; and, for a procedure that collects its fee at
// submission, a citizen submits in the wizard, pays from its last screen (and, declined first,
// pays again). Dossiers are otherwise brought to "waiting for payment" through the API.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'playwright-core';
import { base, PASSWORD, freshPage, serious, shot, tinyPdf, useBrowser, signIn } from './browser.mjs';

useBrowser();
assert.ok(process.env.PAYSIM_URL, 'PAYSIM_URL must name the running payment sandbox');

// An API session of a demo account: cookies in the request context, the CSRF token at hand.
async function apiAs(login) {
  const ctx = await request.newContext({ baseURL: base });
  const r = await ctx.post('/api/v1/session', { data: { login, password: PASSWORD } });
  assert.equal(r.status(), 200, await r.text());
  const csrf = (await r.json()).csrf_token;
  const call = async (method, path, data, status = 200) => {
    const res = await ctx.fetch(path, { method, data, headers: { 'X-CSRF-Token': csrf } });
    assert.equal(res.status(), status, `${method} ${path}: ${await res.text()}`);
    return res.headers()['content-type']?.includes('json') ? res.json() : res.body();
  };
  return { ctx, csrf, call };
}

const form = {
  nguoi_duoc_cap_phieu: {
    ho_ten: 'Nguyễn Văn An', gioi_tinh: 'male', ngay_sinh: '1985-03-02', noi_sinh: 'Hà Nội', quoc_tich: 'Việt Nam',
    dan_toc: 'Kinh', so_dinh_danh: '001085012345', noi_thuong_tru: 'Số 1 phố Tràng Tiền, Hà Nội',
  },
  qua_trinh_cu_tru: [{ tu_ngay: '1999-03-02', den_ngay: '2026-11-30', noi_cu_tru: 'Số 1 phố Tràng Tiền, Hà Nội' }],
  loai_phieu: 1, so_luong_phieu: 1, muc_dich: 'Bổ sung hồ sơ xin việc', hinh_thuc_nhan: 'truc_tiep',
};

// A 2.913001 dossier of citizen.demo, accepted, assigned and waiting for 150,000 phí + 50,000 lệ phí.
async function dossierWaitingForPayment() {
  const citizen = await apiAs('citizen.demo');
  const up = await citizen.ctx.post('/api/v1/attachments?name=to-khai.pdf', {
    data: tinyPdf('to khai'), headers: { 'X-CSRF-Token': citizen.csrf, 'Content-Type': 'application/pdf' },
  });
  assert.equal(up.status(), 201, await up.text());
  const { id } = await up.json();
  const d = await citizen.call('POST', '/api/v1/dossiers', {
    procedure_code: '2.913001', case_code: '1', channel: 'online', form, summary: 'Xin cấp Phiếu lý lịch tư pháp số 1',
    documents: [{ code: 'GT.2913001.1.01', attachment_ids: [id] }],
  }, 201);
  const act = (who, action, body) => who.call('POST', `/api/v1/dossiers/${d.code}/actions/${action}`, body);
  const receiver = await apiAs('receiver.demo');
  await act(receiver, 'accept', {});
  const leader = await apiAs('leader.demo');
  const officers = await leader.call('GET', '/api/v1/agencies/000.00.02.H99/officers?role=specialist');
  await act(leader, 'assign', { assignee_id: officers.items[0].id });
  const specialist = await apiAs('specialist.demo');
  const waiting = await act(specialist, 'request_payment', {
    amount: 200000, reason: 'Phí và lệ phí cấp Phiếu lý lịch tư pháp',
    items: [
      { kind: 'phi', code: 'PHI.LLTP', name: 'Phí cung cấp thông tin lý lịch tư pháp', amount: 150000 },
      { kind: 'le_phi', code: 'LP.BS', name: 'Lệ phí cấp bản sao', amount: 50000 },
    ],
  });
  assert.equal(waiting.status, 6);
  for (const s of [citizen, receiver, leader, specialist]) await s.ctx.dispose();
  return d.code;
}

let paid = '';

test('a citizen pays phí and lệ phí through the payment platform and the dossier continues', async () => {
  paid = await dossierWaitingForPayment();
  const { context, page, errors } = await freshPage();
  await signIn(page, 'citizen.demo', `/ho-so?ma=${encodeURIComponent(paid)}`);
  await page.getByRole('heading', { name: 'Nghĩa vụ tài chính' }).waitFor();
  await page.getByTestId('payment-state').filter({ hasText: 'Chờ thanh toán' }).waitFor();
  await page.getByText('Phí: Phí cung cấp thông tin lý lịch tư pháp').waitFor();
  await shot(page, 'payment-1-due');
  assert.deepEqual(await serious(page), []);

  await page.getByRole('button', { name: 'Thanh toán trực tuyến' }).click();
  await page.waitForURL((u) => u.href.startsWith(process.env.PAYSIM_URL));
  await page.getByRole('heading', { name: 'Cổng thanh toán thử nghiệm (sandbox)' }).waitFor();
  assert.equal((await page.locator('#amount').innerText()).trim(), '200000 VND');
  await page.getByLabel('Ngân hàng / Bank').selectOption('VCB');
  await shot(page, 'payment-2-platform');
  await page.getByRole('button', { name: 'Thanh toán (approve)' }).click();

  // Back on the dossier: the callback settles the payment and the dossier goes on.
  await page.waitForURL((u) => u.pathname === '/ho-so' && u.searchParams.get('MaLoi') === '00');
  await page.getByTestId('payment-state').filter({ hasText: 'Đã thanh toán' }).waitFor({ timeout: 20000 });
  await page.getByTestId('dossier-status').filter({ hasText: 'Đang xử lý' }).waitFor({ timeout: 20000 });
  const phi = page.getByRole('link', { name: /^Biên lai thu phí BLP-\d\d số \d{7} \(150\.000 đồng, PDF\)$/ });
  const lePhi = page.getByRole('link', { name: /^Biên lai thu lệ phí BLL-\d\d số \d{7} \(50\.000 đồng, PDF\)$/ });
  await phi.waitFor();
  await lePhi.waitFor();
  for (const link of [phi, lePhi]) {
    const pdf = await page.request.get(`${base}${await link.getAttribute('href')}`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.ok((await pdf.body()).subarray(0, 5).toString() === '%PDF-');
  }
  await shot(page, 'payment-3-paid');
  assert.deepEqual(await serious(page), []);
  // On a phone the payment section still fits.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('heading', { name: 'Nghĩa vụ tài chính' }).scrollIntoViewIfNeeded();
  await shot(page, 'payment-3-paid-phone', false);
  const wide = await page.evaluate(() => [...document.querySelectorAll('.payments, .payments *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => `${e.tagName}.${e.className}`));
  assert.deepEqual(wide, [], 'the payment section needs no sideways scrolling');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a declined payment leaves the dossier waiting and the citizen may pay again', async () => {
  const code = await dossierWaitingForPayment();
  const { context, page, errors } = await freshPage();
  await signIn(page, 'citizen.demo', `/ho-so?ma=${encodeURIComponent(code)}`);
  await page.getByRole('button', { name: 'Thanh toán trực tuyến' }).click();
  await page.waitForURL((u) => u.href.startsWith(process.env.PAYSIM_URL));
  await page.getByRole('button', { name: 'Hủy (decline)' }).click();
  await page.waitForURL((u) => u.pathname === '/ho-so' && u.searchParams.get('MaLoi') === '24');
  await page.getByRole('alert').filter({ hasText: 'Giao dịch không thành công (mã 24). Bạn có thể thanh toán lại.' }).waitFor();
  await page.getByTestId('txn-state').filter({ hasText: 'không thành công' }).waitFor({ timeout: 20000 });
  await page.getByTestId('payment-state').filter({ hasText: 'Chờ thanh toán' }).waitFor();
  await page.getByTestId('dossier-status').filter({ hasText: 'Yêu cầu thực hiện nghĩa vụ tài chính' }).waitFor();
  await page.getByRole('button', { name: 'Thanh toán trực tuyến' }).waitFor();
  await shot(page, 'payment-4-declined');
  assert.deepEqual(await serious(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the receiver sees the dossier's payments, receipts and ledger", async () => {
  assert.ok(paid, 'the first test paid a dossier');
  const { context, page, errors } = await freshPage();
  await signIn(page, 'receiver.demo', `/ho-so?ma=${encodeURIComponent(paid)}`);
  const ledger = page.getByRole('table', { name: 'Sổ thu của hồ sơ' });
  await ledger.waitFor();
  for (const event of ['Yêu cầu nộp', 'Bắt đầu thanh toán', 'Đã thu']) await ledger.getByRole('cell', { name: event, exact: true }).waitFor();
  // Each row carries the transaction-type code of Decision 31/2021 Art. 36.
  assert.ok((await ledger.getByRole('cell', { name: 'G22.99', exact: true }).count()) >= 3);
  await page.getByRole('link', { name: /^Biên lai thu phí/ }).waitFor();
  await shot(page, 'payment-5-officer');
  assert.deepEqual(await serious(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the agency administrator reconciles the day against the statement fetched from the platform', async () => {
  assert.ok(paid, 'the first test paid a dossier');
  const { context, page, errors } = await freshPage();
  await signIn(page, 'admin.demo', '/quan-tri/doi-soat-thanh-toan');
  await page.getByRole('heading', { level: 1, name: 'Đối soát thanh toán trực tuyến' }).waitFor();
  await shot(page, 'payment-6-reconcile-form');
  assert.deepEqual(await serious(page), []);

  // An uploaded statement with a line of ours and one the platform has that we do not.
  const api = await apiAs('citizen.demo');
  const reference = (await api.call('GET', `/api/v1/dossiers/${paid}/payments`)).requests[0].transactions[0].reference;
  await api.ctx.dispose();
  await page.getByLabel('Tệp bảng kê').setInputFiles({
    name: 'bang-ke.csv', mimeType: 'text/csv',
    buffer: Buffer.from(`MaThamChieu,SoTien,MaNganHang\n${reference},200000,VCB\nLA20261204,5000,NCB\n`),
  });
  // A window of days (from the day before to today), with per-day subtotals.
  const today = await page.getByLabel('Từ ngày').inputValue();
  const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86400000).toISOString().slice(0, 10);
  await page.getByLabel('Từ ngày').fill(yesterday);
  await page.getByRole('button', { name: 'Đối soát', exact: true }).click();
  const result = page.getByTestId('recon-result');
  await result.getByRole('heading', { name: `Tổng hợp — ${yesterday} → ${today}` }).waitFor();
  await page.getByRole('table', { name: 'Theo ngày' }).getByRole('rowheader', { name: today }).waitFor();
  await result.getByText('Bảng kê từ tệp tải lên.').waitFor();
  assert.match(await page.getByTestId('recon-missing_ours').innerText(), /^1\s/);
  await page.getByRole('table', { name: 'Chi tiết giao dịch' }).getByRole('cell', { name: 'Thiếu trên hệ thống' }).waitFor();

  // The platform's own statement: everything paid today matches, split per bank.
  await page.getByLabel('Lấy trực tiếp từ nền tảng thanh toán').check();
  await page.getByRole('button', { name: 'Đối soát', exact: true }).click();
  await result.getByText('Bảng kê lấy từ nền tảng thanh toán.').waitFor();
  assert.match(await page.getByTestId('recon-matched').innerText(), /^[1-9]\d*\s/);
  assert.match(await page.getByTestId('recon-missing_ours').innerText(), /^0\s/);
  assert.match(await page.getByTestId('recon-amount_mismatch').innerText(), /^0\s/);
  const byProvider = page.getByRole('table', { name: 'Theo ngân hàng / trung gian thanh toán' });
  await byProvider.getByRole('rowheader', { name: 'VCB' }).waitFor();
  await page.getByRole('table', { name: 'Theo loại giao dịch' }).getByRole('rowheader', { name: /^G22\.99/ }).waitFor();
  await page.getByRole('table', { name: 'Theo cơ quan' }).getByRole('rowheader', { name: /000\.00\.02\.H99/ }).waitFor();
  await page.getByRole('table', { name: 'Chi tiết giao dịch' }).getByRole('cell', { name: reference }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải kết quả (CSV)' }).click()]);
  const csv = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
  assert.ok(csv.startsWith('MaThamChieu,SoTienHeThong,SoTienDoiTac,KetQua,MaNganHang,DonVi,Ngay,MaLoaiGiaoDich'), csv);
  assert.ok(csv.includes(`${reference},200000,200000,matched,VCB,`), csv);
  await shot(page, 'payment-7-reconciled');
  assert.deepEqual(await serious(page), []);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'payment-7-reconciled-phone');
  assert.deepEqual(errors, []);
  await context.close();
});


// Payment at submission: the procedure's configuration collects the fee when the citizen applies.
async function collectAtSubmission(on) {
  const admin = await apiAs('admin.demo');
  const { config } = await admin.call('GET', '/api/v1/admin/procedures/2.913001/config');
  await admin.call('PUT', '/api/v1/admin/procedures/2.913001/config', { ...config, payment_at_submission: on });
  await admin.ctx.dispose();
}
after(() => collectAtSubmission(false));

// The wizard, filled completely, up to "Đã nộp hồ sơ"; the dossier code.
async function submitInWizard(page, shotName) {
  await page.goto(`${base}/thu-tuc/2.913001`);
  await page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click();
  await page.getByRole('heading', { level: 1, name: 'Nộp hồ sơ trực tuyến' }).waitFor();
  await page.getByLabel('Cá nhân tự yêu cầu').check();
  await page.getByLabel('Cơ quan tiếp nhận').selectOption({ label: 'Sở Tư pháp tỉnh An Hòa' });
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByRole('heading', { name: /Bước 2\/4/ }).waitFor();
  await page.locator('#p-form-nguoi_duoc_cap_phieu-noi_sinh').fill('Hà Nội');
  await page.locator('#p-form-nguoi_duoc_cap_phieu-quoc_tich').fill('Việt Nam');
  await page.locator('#p-form-nguoi_duoc_cap_phieu-dan_toc').fill('Kinh');
  await page.locator('#p-form-nguoi_duoc_cap_phieu-noi_thuong_tru').fill('Số 1 phố Tràng Tiền, Hà Nội');
  await page.locator('#p-form-loai_phieu').selectOption('1');
  await page.locator('#p-form-so_luong_phieu').fill('1');
  await page.locator('#p-form-muc_dich').fill('Bổ sung hồ sơ xin việc');
  await page.locator('#p-form-hinh_thuc_nhan').selectOption('truc_tiep');
  await page.getByRole('button', { name: /Thêm: Nơi cư trú/ }).click();
  await page.locator('#p-form-qua_trinh_cu_tru-0-tu_ngay').fill('1999-03-02');
  await page.locator('#p-form-qua_trinh_cu_tru-0-noi_cu_tru').fill('Phường Tràng Tiền, Hà Nội');
  await page.getByLabel('Trích yếu nội dung yêu cầu').fill('Xin cấp Phiếu lý lịch tư pháp, nộp phí khi nộp hồ sơ');
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByRole('heading', { name: /Bước 3\/4/ }).waitFor();
  await page.locator('#p-documents-GT-2913001-1-01').setInputFiles({ name: 'to-khai.pdf', mimeType: 'application/pdf', buffer: tinyPdf('to khai') });
  await page.getByText('Đã tải lên to-khai.pdf.').waitFor();
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByRole('heading', { name: /Bước 4\/4/ }).waitFor();
  // Said before submitting: the fee is collected now.
  await page.getByText('Thủ tục này thu phí, lệ phí ngay khi nộp hồ sơ', { exact: false }).waitFor();
  if (shotName) await shot(page, `${shotName}-review`);
  assert.deepEqual(await serious(page), []);
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await page.getByRole('heading', { level: 1, name: 'Đã nộp hồ sơ' }).waitFor();
  return (await page.getByTestId('dossier-code').innerText()).trim();
}

test('payment at submission: the citizen submits in the wizard, pays at the platform and the dossier goes on', async () => {
  await collectAtSubmission(true);
  const { context, page, errors } = await freshPage();
  await signIn(page, 'citizen.demo', '/ho-so-cua-toi');
  const code = await submitInWizard(page, 'payment-8-wizard');
  // The last screen: the dossier waits for its fee, with the pay step.
  const payNow = page.getByRole('region', { name: 'Thanh toán phí, lệ phí' });
  await payNow.getByTestId('payment-state').filter({ hasText: 'Chờ thanh toán' }).waitFor();
  await shot(page, 'payment-8-wizard-pay');
  assert.deepEqual(await serious(page), []);
  await payNow.getByRole('button', { name: 'Thanh toán trực tuyến' }).click();

  // At the platform's approval page: the amount is the fee chosen in the wizard.
  await page.waitForURL((u) => u.href.startsWith(process.env.PAYSIM_URL));
  assert.equal((await page.locator('#amount').innerText()).trim(), '200000 VND');
  assert.match(await page.locator('#type-code').innerText(), /^G22\.99/);
  await page.getByRole('button', { name: 'Thanh toán (approve)' }).click();

  // Back on the dossier: paid, and the dossier goes on to the receiving officer (status 1).
  await page.waitForURL((u) => u.pathname === '/ho-so' && u.searchParams.get('ma') === code && u.searchParams.get('MaLoi') === '00');
  await page.getByTestId('payment-state').filter({ hasText: 'Đã thanh toán' }).waitFor({ timeout: 20000 });
  await page.getByTestId('dossier-status').filter({ hasText: 'Mới đăng ký' }).waitFor({ timeout: 20000 });
  await page.getByRole('link', { name: /^Biên lai thu phí BLP-\d\d số \d{7} \(200\.000 đồng, PDF\)$/ }).waitFor();
  await shot(page, 'payment-8-wizard-paid');
  assert.deepEqual(await serious(page), []);
  // The receiving officer can now accept it.
  const receiver = await apiAs('receiver.demo');
  const accepted = await receiver.call('POST', `/api/v1/dossiers/${code}/actions/accept`, {});
  assert.equal(accepted.status, 2);
  await receiver.ctx.dispose();
  assert.deepEqual(errors, []);
  await context.close();
});

test('payment at submission declined: a clear message, the dossier still waits, and the citizen pays again', async () => {
  await collectAtSubmission(true);
  const { context, page, errors } = await freshPage();
  await signIn(page, 'citizen.demo', '/ho-so-cua-toi');
  const code = await submitInWizard(page);
  await page.getByRole('region', { name: 'Thanh toán phí, lệ phí' }).getByRole('button', { name: 'Thanh toán trực tuyến' }).click();
  await page.waitForURL((u) => u.href.startsWith(process.env.PAYSIM_URL));
  await page.getByRole('button', { name: 'Hủy (decline)' }).click();
  await page.waitForURL((u) => u.pathname === '/ho-so' && u.searchParams.get('ma') === code && u.searchParams.get('MaLoi') === '24');
  await page.getByRole('alert').filter({ hasText: 'Giao dịch không thành công (mã 24). Bạn có thể thanh toán lại.' }).waitFor();
  await page.getByTestId('txn-state').filter({ hasText: 'không thành công' }).waitFor({ timeout: 20000 });
  await page.getByTestId('dossier-status').filter({ hasText: 'Yêu cầu thực hiện nghĩa vụ tài chính' }).waitFor();
  await shot(page, 'payment-9-wizard-declined');
  assert.deepEqual(await serious(page), []);
  // Paying again from the dossier page settles it.
  await page.getByRole('button', { name: 'Thanh toán trực tuyến' }).click();
  await page.waitForURL((u) => u.href.startsWith(process.env.PAYSIM_URL));
  await page.getByRole('button', { name: 'Thanh toán (approve)' }).click();
  await page.waitForURL((u) => u.pathname === '/ho-so' && u.searchParams.get('MaLoi') === '00');
  await page.getByTestId('dossier-status').filter({ hasText: 'Mới đăng ký' }).waitFor({ timeout: 20000 });
  assert.deepEqual(errors, []);
  await context.close();
});

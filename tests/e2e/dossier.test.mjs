// Dossiers in Chromium against a running motcua with the demo data: a citizen applies online for
// a criminal record certificate (2.913001) with a PDF, the receiving officer accepts it from the
// inbox, the leader assigns it, the specialist asks for a missing paper which the citizen sends,
// the specialist appraises, the leader approves, the specialist
// issues the result, the receiver returns it and the citizen rates it; refused uploads, a missing
// form field, a stale action (409), the print view and public tracking along the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base, freshPage, serious, shot, tinyPdf, useBrowser, signIn, takeAction } from './browser.mjs';

useBrowser();

// A workflow action on the dossier page, waiting for the new status.
const act = (page, action, status, fill) => takeAction(page, action, 'dossier-status', status, fill);

let code = '';

test('a citizen applies online: wrong file refused, missing field shown at its place, then submitted', async () => {
  const { context, page, errors } = await freshPage(['415', '400']);
  await signIn(page, 'citizen.demo', '/thu-tuc/2.913001');
  await page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click();
  await page.getByRole('heading', { level: 1, name: 'Nộp hồ sơ trực tuyến' }).waitFor();
  // Codes have dots, which the server's page fallback does not serve as a last path segment
  // (a reload would answer 404), so the app carries them in the query.
  assert.equal(new URL(page.url()).searchParams.get('thu-tuc'), '2.913001');

  // Step 1: case, office, fee.
  await page.getByLabel('Cá nhân tự yêu cầu').check();
  await page.getByLabel('Cơ quan tiếp nhận').selectOption({ label: 'Sở Tư pháp tỉnh An Hòa' });
  await page.getByText('200.000 đồng', { exact: false }).first().waitFor();
  await shot(page, 'dossier-submit-1');
  assert.deepEqual(await serious(page), []);
  await page.getByRole('button', { name: 'Tiếp tục' }).click();

  // Step 2: the demo e-form (data/forms/2.913001.json), prefilled from the account; "Mục đích"
  // is left empty on purpose.
  await page.getByRole('heading', { name: /Bước 2\/4/ }).waitFor();
  assert.equal(await page.locator('#p-form-nguoi_duoc_cap_phieu-ho_ten').inputValue(), 'Nguyễn Văn An');
  assert.equal(await page.locator('#p-form-nguoi_duoc_cap_phieu-so_dinh_danh').inputValue(), '001085012345');
  await page.locator('#p-form-nguoi_duoc_cap_phieu-noi_sinh').fill('Hà Nội');
  await page.locator('#p-form-nguoi_duoc_cap_phieu-quoc_tich').fill('Việt Nam');
  await page.locator('#p-form-nguoi_duoc_cap_phieu-dan_toc').fill('Kinh');
  await page.locator('#p-form-nguoi_duoc_cap_phieu-noi_thuong_tru').fill('Số 1 phố Tràng Tiền, Hà Nội');
  await page.locator('#p-form-loai_phieu').selectOption('1');
  await page.locator('#p-form-so_luong_phieu').fill('2');
  await page.locator('#p-form-hinh_thuc_nhan').selectOption('truc_tiep');
  await page.getByRole('button', { name: /Thêm: Nơi cư trú/ }).click();
  await page.locator('#p-form-qua_trinh_cu_tru-0-tu_ngay').fill('1999-03-02');
  await page.locator('#p-form-qua_trinh_cu_tru-0-noi_cu_tru').fill('Phường Tràng Tiền, Hà Nội');
  await page.getByLabel('Trích yếu nội dung yêu cầu').fill('Xin cấp Phiếu lý lịch tư pháp số 1');
  await shot(page, 'dossier-submit-2');
  assert.deepEqual(await serious(page), []);
  await page.getByRole('button', { name: 'Lưu nháp' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã lưu bản nháp' }).waitFor();
  await page.getByRole('button', { name: 'Tiếp tục' }).click();

  // Step 3: a "PDF" that is not one is refused where it was chosen; a real one is accepted.
  await page.getByRole('heading', { name: /Bước 3\/4/ }).waitFor();
  const tokhai = page.locator('#p-documents-GT-2913001-1-01');
  await tokhai.setInputFiles({ name: 'to-khai.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90 this is an executable, not a PDF') });
  await page.locator('#p-documents-GT-2913001-1-01-error').filter({ hasText: 'to-khai.pdf không được nhận' }).waitFor();
  await shot(page, 'dossier-submit-3-refused');
  await tokhai.setInputFiles({ name: 'to-khai.pdf', mimeType: 'application/pdf', buffer: tinyPdf('to khai') });
  await page.getByText('Đã tải lên to-khai.pdf.').waitFor();
  assert.equal(await page.locator('#p-documents-GT-2913001-1-01-error').innerText(), '');
  assert.deepEqual(await serious(page), []);
  await page.getByRole('button', { name: 'Tiếp tục' }).click();

  // Step 4: review, then submit: the server finds "Mục đích" missing and the wizard goes back to it.
  await page.getByRole('heading', { name: /Bước 4\/4/ }).waitFor();
  await page.getByText('to-khai.pdf').waitFor();
  await shot(page, 'dossier-submit-4');
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await page.getByRole('heading', { name: /Bước 2\/4/ }).waitFor();
  const purposeError = page.locator('#p-form-muc_dich-error');
  await purposeError.filter({ hasText: 'Mục đích sử dụng Phiếu là bắt buộc' }).waitFor();
  assert.equal(await page.locator('#p-form-muc_dich').getAttribute('aria-invalid'), 'true');
  await page.getByRole('alert').filter({ hasText: 'Hồ sơ chưa nộp được' }).waitFor();
  await shot(page, 'dossier-submit-field-error');
  await page.locator('#p-form-muc_dich').fill('Bổ sung hồ sơ xin việc');
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();

  await page.getByRole('heading', { level: 1, name: 'Đã nộp hồ sơ' }).waitFor();
  code = (await page.getByTestId('dossier-code').innerText()).trim();
  assert.match(code, /^000\.00\.02\.H99-\d{6}-\d{4,}$/);
  await shot(page, 'dossier-submitted');

  // The submitted draft is gone; the dossier is listed under "Hồ sơ của tôi".
  await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Hồ sơ của tôi' }).click();
  const row = page.getByTestId('my-dossier').filter({ hasText: code });
  await row.getByText('Mới đăng ký').waitFor();
  assert.equal(await page.getByTestId('draft-row').count(), 0, 'the draft was used up by the submission');
  await shot(page, 'dossier-mine');
  assert.deepEqual(await serious(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the dossier goes through the one-stop workflow and the citizen rates it', async () => {
  assert.ok(code, 'the previous test submitted a dossier');
  const receiver = await freshPage(['409']);
  await signIn(receiver.page, 'receiver.demo', '/can-bo/ho-so');
  const rp = receiver.page;
  await rp.getByRole('heading', { level: 1, name: 'Hồ sơ cần xử lý' }).waitFor();
  await rp.getByTestId('box-receive').click();
  const row = rp.getByTestId('inbox-row').filter({ hasText: code });
  await row.waitFor();
  assert.match(await rp.getByTestId('box-receive').innerText(), /Chờ tiếp nhận\s*\d+/);
  await shot(rp, 'dossier-inbox');
  assert.deepEqual(await serious(rp), []);

  // A second tab left open on the dossier goes stale once the first accepts it.
  const stale = await receiver.context.newPage();
  await stale.goto(`${base}/ho-so?ma=${encodeURIComponent(code)}`);
  await stale.locator('.action-buttons').getByRole('button', { name: 'Tiếp nhận', exact: true }).waitFor();

  await row.getByRole('link', { name: code }).click();
  await rp.getByRole('heading', { level: 1, name: new RegExp(code.replace(/\./g, '\\.')) }).waitFor();
  await rp.getByRole('link', { name: 'to-khai.pdf' }).waitFor();
  await act(rp, 'Tiếp nhận', 'Được tiếp nhận', (f) => f.getByLabel('Ghi chú').fill('Hồ sơ đầy đủ'));
  assert.notEqual(await rp.getByTestId('dossier-due').innerText(), '—', 'accepting sets the due date');

  await stale.locator('.action-buttons').getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
  await stale.locator('form.action-form').getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
  await stale.getByRole('alert').filter({ hasText: 'Các thao tác có thể thực hiện lúc này' }).waitFor();
  await shot(stale, 'dossier-409');

  // The receipt (Mẫu 01) prints on an A4 sheet with the national motto.
  await rp.getByRole('link', { name: /Giấy tiếp nhận hồ sơ và hẹn trả kết quả/ }).click();
  await rp.getByRole('heading', { level: 1, name: 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ' }).waitFor();
  await rp.getByText('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM').waitFor();
  await rp.getByText('Độc lập - Tự do - Hạnh phúc').waitFor();
  await shot(rp, 'dossier-print-mau01');
  // … and downloads as a PDF (cairo + pango on the server) from the same page.
  const pdfHref = await rp.getByRole('link', { name: 'Tải PDF', exact: true }).getAttribute('href');
  const pdf = await rp.request.get(`${base}${pdfHref}`);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.ok((await pdf.body()).subarray(0, 5).equals(Buffer.from('%PDF-')), 'the body is a PDF');
  await rp.emulateMedia({ media: 'print' });
  assert.equal(await rp.locator('header.masthead').isVisible(), false, 'the print view hides the site header');
  await shot(rp, 'dossier-print-mau01-print');
  await rp.emulateMedia({ media: 'screen' });

  const leader = await freshPage();
  await signIn(leader.page, 'leader.demo', `/ho-so?ma=${code}`);
  await act(leader.page, 'Phân công xử lý', 'Đang xử lý', (f) => f.getByLabel('Chuyên viên được phân công').selectOption({ label: 'Phạm Văn Hùng' }));

  const specialist = await freshPage();
  await signIn(specialist.page, 'specialist.demo', `/ho-so?ma=${code}`);
  // The specialist asks for the copy of the ID card; the citizen sends it; the clock restarts.
  await act(specialist.page, 'Yêu cầu bổ sung', 'Yêu cầu bổ sung giấy tờ', async (f) => {
    await f.getByLabel('Lý do').fill('Thiếu bản chụp căn cước của người được cấp Phiếu');
    await f.getByLabel(/Bản chụp căn cước\/căn cước công dân/).check();
  });
  const early = await freshPage();
  await signIn(early.page, 'citizen.demo', `/ho-so?ma=${code}`);
  const ep = early.page;
  await ep.getByTestId('dossier-status').filter({ hasText: 'Yêu cầu bổ sung giấy tờ' }).waitFor();
  await ep.getByText('Thiếu bản chụp căn cước của người được cấp Phiếu').first().waitFor();
  await act(ep, 'Nộp bổ sung', 'Đang xử lý', async (f) => {
    await f.getByLabel(/Tệp bổ sung cho: Bản chụp căn cước/).setInputFiles({ name: 'can-cuoc.pdf', mimeType: 'application/pdf', buffer: tinyPdf('can cuoc') });
    await f.getByText('Đã tải lên can-cuoc.pdf.').waitFor();
  });
  await shot(ep, 'dossier-supplemented');
  assert.deepEqual(early.errors, []);
  await early.context.close();
  await specialist.page.reload();
  await act(specialist.page, 'Trình phê duyệt', 'Đang xử lý', (f) => f.getByLabel('Ý kiến thẩm định').fill('Đủ điều kiện cấp Phiếu số 1'));

  await leader.page.reload();
  await act(leader.page, 'Phê duyệt', 'Đang xử lý', (f) => f.getByLabel('Ghi chú').fill('Đồng ý'));

  await specialist.page.reload();
  await act(specialist.page, 'Ban hành kết quả', 'Đã xử lý xong', async (f) => {
    await f.getByLabel('Tên giấy tờ kết quả').fill('Phiếu lý lịch tư pháp số 1');
    await f.getByLabel('Số, ký hiệu').fill('123/LLTP');
    await f.getByLabel('Tệp kết quả (PDF)').setInputFiles({ name: 'phieu-lltp.pdf', mimeType: 'application/pdf', buffer: tinyPdf('ket qua') });
    await f.getByText('Đã tải lên phieu-lltp.pdf.').waitFor();
  });

  await rp.goto(`${base}/ho-so?ma=${code}`);
  await act(rp, 'Trả kết quả', 'Đã trả kết quả');
  await rp.getByRole('link', { name: 'Tải phiếu kiểm soát (Mẫu 05, CSV)' }).waitFor();
  await shot(rp, 'dossier-officer-returned');
  assert.deepEqual(await serious(rp), []);

  // The citizen sees the result file and rates the service.
  const citizen = await freshPage();
  await signIn(citizen.page, 'citizen.demo', `/ho-so?ma=${code}`);
  const cp = citizen.page;
  await cp.getByTestId('dossier-status').filter({ hasText: 'Đã trả kết quả' }).waitFor();
  await cp.getByRole('link', { name: 'phieu-lltp.pdf' }).waitFor();
  const history = await cp.getByTestId('history').innerText();
  for (const step of ['Nộp hồ sơ', 'Tiếp nhận', 'Phân công xử lý', 'Yêu cầu bổ sung', 'Nộp bổ sung', 'Trình phê duyệt', 'Phê duyệt', 'Ban hành kết quả', 'Trả kết quả']) {
    assert.ok(history.includes(step), `the history shows "${step}"`);
  }
  await cp.getByRole('heading', { name: 'Đánh giá sự hài lòng' }).waitFor();
  await cp.getByRole('group', { name: 'Đánh giá chung' }).getByLabel('Rất hài lòng').check();
  await cp.getByRole('group', { name: 'Thời gian giải quyết đúng hẹn' }).getByLabel('Rất hài lòng').check();
  await cp.getByRole('group', { name: 'Thái độ của cán bộ, công chức' }).getByLabel('Hài lòng', { exact: true }).check();
  await cp.getByLabel('Ý kiến khác').fill('Nhanh, đúng hẹn.');
  await cp.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await cp.getByRole('status').filter({ hasText: 'Cảm ơn bạn đã đánh giá.' }).waitFor();
  // Editable within 7 days.
  await cp.getByRole('button', { name: 'Cập nhật đánh giá' }).waitFor();
  await shot(cp, 'dossier-citizen-rated');
  assert.deepEqual(await serious(cp), []);

  for (const s of [receiver, leader, specialist, citizen]) assert.deepEqual(s.errors, []);
  await Promise.all([receiver, leader, specialist, citizen].map((s) => s.context.close()));
});

test('anyone tracks the dossier by its code; the ID number shows the timeline', async () => {
  assert.ok(code);
  const { context, page, errors } = await freshPage();
  await page.goto(`${base}/tra-cuu-ho-so`);
  await page.getByRole('heading', { level: 1, name: 'Tra cứu hồ sơ' }).waitFor();
  await page.getByLabel('Mã hồ sơ').fill(code);
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await page.getByTestId('track-status').filter({ hasText: 'Đã trả kết quả' }).waitFor();
  assert.equal(await page.getByTestId('track-history').count(), 0, 'the timeline is not public');
  assert.equal(new URL(page.url()).searchParams.get('ma'), code);
  await page.getByLabel('Số định danh cá nhân của người nộp (không bắt buộc)').fill('001085012345');
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await page.getByTestId('track-history').getByText('Trả kết quả').first().waitFor();
  await shot(page, 'dossier-track');
  assert.deepEqual(await serious(page), []);

  // A reload keeps the answer (the code is in the query).
  await page.reload();
  await page.getByTestId('track-status').filter({ hasText: 'Đã trả kết quả' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

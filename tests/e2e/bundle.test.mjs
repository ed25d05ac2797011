// A life-event bundle in Chromium against a running motcua with the demo data: a citizen opens
// the birth bundle (khai-sinh: birth registration 1.001193, permanent residence 1.004222, child
// health insurance 2.909001) signed out, signs in through its apply button, declares once,
// leaves a required field empty and sees the server's error at that field, uploads each paper
// once and submits: one dossier per procedure, at the commune, the provincial police and social
// security; then the bundle's status page, reached again from a child dossier's page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base, PASSWORD, freshPage, serious, shot, tinyPdf, useBrowser } from './browser.mjs';

useBrowser();

const field = (page, pointer) => page.locator(`#p-form-${pointer.replace(/\//g, '-')}`);

test('a citizen applies for the birth bundle: one declaration, papers once, three dossiers', async () => {
  const { context, page, errors } = await freshPage(['400']);

  // Signed out, the bundle page's button leads to login first, then to the submission page.
  await page.goto(`${base}/lien-thong/khai-sinh`);
  await page.getByRole('heading', { level: 1, name: /Liên thông đăng ký khai sinh/ }).waitFor();
  const apply = page.getByRole('link', { name: 'Nộp hồ sơ liên thông' });
  assert.match(await apply.getAttribute('href'), /^\/dang-nhap\?return_to=/);
  await shot(page, 'bundle-catalog');
  assert.deepEqual(await serious(page), []);
  await apply.click();
  await page.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').fill('citizen.demo');
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/nop-ho-so-lien-thong');
  assert.equal(new URL(page.url()).searchParams.get('nhom'), 'khai-sinh');
  await page.getByRole('heading', { level: 1, name: 'Nộp hồ sơ liên thông' }).waitFor();

  // The bundle's procedures and who handles each.
  const procs = page.getByRole('region', { name: 'Các thủ tục được giải quyết' });
  for (const name of ['Đăng ký khai sinh', 'Đăng ký thường trú', 'Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi']) {
    await procs.getByRole('cell', { name: new RegExp(`^${name}`) }).waitFor();
  }
  await procs.getByRole('cell', { name: 'Công an cấp xã' }).waitFor();

  // The commune that registers the birth, and the declaration, prefilled from the account.
  await page.getByLabel('Cơ quan tiếp nhận thủ tục Đăng ký khai sinh').selectOption({ label: 'Ủy ban nhân dân phường Phú Thịnh' });
  await procs.getByRole('cell', { name: 'Ủy ban nhân dân phường Phú Thịnh' }).waitFor();
  assert.equal(await field(page, 'nguoi_yeu_cau/ho_ten').inputValue(), 'Nguyễn Văn An');
  assert.equal(await field(page, 'nguoi_yeu_cau/so_dinh_danh').inputValue(), '001085012345');
  await field(page, 'nguoi_yeu_cau/noi_cu_tru').fill('Số 12 đường Lê Lợi, phường Phú Thịnh, tỉnh An Hòa');
  await field(page, 'nguoi_yeu_cau/quan_he').selectOption('cha');
  await field(page, 'nguoi_duoc_khai_sinh/ho_ten').fill('Nguyễn Minh Khang');
  await field(page, 'nguoi_duoc_khai_sinh/ngay_sinh').fill('2026-11-20');
  await field(page, 'nguoi_duoc_khai_sinh/gioi_tinh').selectOption('male');
  await field(page, 'nguoi_duoc_khai_sinh/dan_toc').fill('Kinh');
  await field(page, 'nguoi_duoc_khai_sinh/quoc_tich').fill('Việt Nam');
  await field(page, 'nguoi_duoc_khai_sinh/noi_sinh').fill('Bệnh viện Đa khoa tỉnh An Hòa');
  await field(page, 'nguoi_duoc_khai_sinh/que_quan').fill('Tỉnh An Hòa');
  await field(page, 'me/ho_ten').fill('Trần Thị Mai');
  await field(page, 'me/ngay_sinh').fill('1990-05-14');
  await field(page, 'me/dan_toc').fill('Kinh');
  await field(page, 'me/quoc_tich').fill('Việt Nam');
  await field(page, 'me/noi_cu_tru').fill('Số 12 đường Lê Lợi, phường Phú Thịnh, tỉnh An Hòa');
  // "Số Giấy chứng sinh" is left empty on purpose.
  await page.getByLabel('Trích yếu nội dung yêu cầu').fill('Đăng ký khai sinh, thường trú và cấp thẻ BHYT cho con');
  await shot(page, 'bundle-submit-form');
  assert.deepEqual(await serious(page), []);

  // Saved as a draft, left, and resumed from "my dossiers": every answer comes back.
  await page.getByRole('button', { name: 'Lưu nháp' }).click();
  await page.getByText(/^Đã lưu bản nháp lúc/).waitFor();
  assert.ok(new URL(page.url()).searchParams.get('ban-nhap'), 'the address names the draft');
  await page.goto(`${base}/ho-so-cua-toi`);
  const draftRow = page.getByTestId('draft-row').filter({ hasText: 'Liên thông đăng ký khai sinh' });
  await draftRow.waitFor();
  await shot(page, 'bundle-draft-listed');
  await draftRow.getByRole('link', { name: 'Tiếp tục soạn' }).click();
  await page.waitForURL((u) => u.pathname === '/nop-ho-so-lien-thong' && !!u.searchParams.get('ban-nhap'));
  await page.getByText(/^Đã mở bản nháp lưu lúc/).waitFor();
  assert.equal(await field(page, 'nguoi_duoc_khai_sinh/ho_ten').inputValue(), 'Nguyễn Minh Khang');
  assert.equal(await field(page, 'me/noi_cu_tru').inputValue(), 'Số 12 đường Lê Lợi, phường Phú Thịnh, tỉnh An Hòa');
  assert.equal(await page.getByLabel('Trích yếu nội dung yêu cầu').inputValue(), 'Đăng ký khai sinh, thường trú và cấp thẻ BHYT cho con');
  await procs.getByRole('cell', { name: 'Ủy ban nhân dân phường Phú Thịnh' }).waitFor();
  await shot(page, 'bundle-draft-resumed');
  assert.deepEqual(await serious(page), []);

  // Submitted without the papers and that field: each error sits at its own field.
  await page.getByRole('button', { name: 'Nộp hồ sơ liên thông' }).click();
  await page.getByRole('alert').filter({ hasText: 'Hồ sơ liên thông chưa được nộp' }).waitFor();
  await page.locator('#p-form-so_giay_chung_sinh-error').filter({ hasText: 'bắt buộc' }).waitFor();
  assert.equal(await field(page, 'so_giay_chung_sinh').getAttribute('aria-invalid'), 'true');
  // A paper another procedure needs (the residence form of 1.004222) is shown at its upload.
  await page.locator('#p-documents-GT-1004222-1-01-error').filter({ hasText: 'Thiếu giấy tờ bắt buộc' }).waitFor();
  await page.locator('#p-documents-GT-2909001-1-01-error').filter({ hasText: 'Thiếu giấy tờ bắt buộc' }).waitFor();
  await shot(page, 'bundle-submit-field-error');
  assert.deepEqual(await serious(page), []);

  await field(page, 'so_giay_chung_sinh').fill('CS-2026-001234');
  const papers = ['GT-1001193-1-01', 'GT-1001193-1-02', 'GT-1004222-1-01', 'GT-1004222-1-02', 'GT-2909001-1-01'];
  for (const p of papers) {
    const name = `${p.toLowerCase()}.pdf`;
    await page.locator(`#p-documents-${p}`).setInputFiles({ name, mimeType: 'application/pdf', buffer: tinyPdf(p) });
    await page.getByText(`Đã tải lên ${name}.`).waitFor();
  }
  await shot(page, 'bundle-submit-papers');
  await page.getByRole('button', { name: 'Nộp hồ sơ liên thông' }).click();

  // One dossier per procedure, each at its own agency.
  await page.getByRole('heading', { level: 1, name: 'Đã nộp hồ sơ liên thông' }).waitFor();
  const rows = page.getByTestId('bundle-children').locator('tbody tr');
  assert.equal(await rows.count(), 3);
  const codes = await rows.locator('td:first-child').allInnerTexts();
  assert.match(codes[0].trim(), /^000\.0\d\.21\.H99-\d{6}-\d{4,}$/);
  assert.match(codes[0].trim(), /^000\.03\.21\.H99-/);
  assert.match(codes[1].trim(), /^000\.00\.15\.H99-\d{6}-\d{4,}$/);
  assert.match(codes[2].trim(), /^000\.00\.16\.H99-\d{6}-\d{4,}$/);
  await rows.nth(0).getByRole('cell', { name: 'Đăng ký khai sinh' }).waitFor();
  await rows.nth(0).getByRole('cell', { name: 'Ủy ban nhân dân phường Phú Thịnh' }).waitFor();
  await page.getByTestId('bundle-status').filter({ hasText: 'Đang giải quyết' }).waitFor();
  await shot(page, 'bundle-submitted');
  assert.deepEqual(await serious(page), []);

  // The bundle's status page.
  await page.getByRole('link', { name: 'Xem trạng thái hồ sơ liên thông' }).click();
  await page.waitForURL((u) => u.pathname === '/ho-so-lien-thong' && !!u.searchParams.get('id'));
  const bundleUrl = page.url();
  await page.getByRole('heading', { level: 1, name: 'Hồ sơ liên thông' }).waitFor();
  await page.getByTestId('bundle-status').filter({ hasText: 'Đang giải quyết' }).waitFor();
  assert.equal(await page.getByTestId('bundle-children').locator('tbody tr').count(), 3);
  await page.getByTestId('bundle-children').getByText('Mới đăng ký').first().waitFor();
  await shot(page, 'bundle-status');
  assert.deepEqual(await serious(page), []);

  // A child dossier's page links back to its bundle; a reload of the status page works.
  await page.getByRole('link', { name: codes[1].trim() }).click();
  await page.waitForURL((u) => u.pathname === '/ho-so' && u.searchParams.get('ma') === codes[1].trim());
  await page.getByTestId('dossier-bundle').waitFor();
  await shot(page, 'bundle-child-dossier');
  await page.getByTestId('dossier-bundle').getByRole('link', { name: 'Xem trạng thái hồ sơ liên thông' }).click();
  await page.waitForURL(bundleUrl);
  await page.reload();
  await page.getByTestId('bundle-children').waitFor();

  // The draft went away with the submission.
  const drafts = await page.evaluate(() => fetch('/api/v1/dossier-drafts').then((r) => r.json()));
  assert.deepEqual(drafts.items, []);

  assert.deepEqual(errors, []);
  await context.close();
});

test('the bundle submission page asks a signed-out visitor to sign in', async () => {
  const { context, page, errors } = await freshPage();
  await page.goto(`${base}/nop-ho-so-lien-thong?nhom=khai-sinh`);
  await page.getByRole('heading', { level: 1, name: 'Nộp hồ sơ liên thông' }).waitFor();
  const link = page.getByRole('link', { name: 'Đăng nhập' }).last();
  assert.equal(await link.getAttribute('href'), `/dang-nhap?return_to=${encodeURIComponent('/nop-ho-so-lien-thong?nhom=khai-sinh')}`);
  assert.deepEqual(errors, []);
  await context.close();
});

// The administrators' procedure editor in Chromium: admin.demo creates a procedure, is told
// next to the field that a fee cannot be negative, fixes it, previews the public page, saves the
// draft, publishes it, and citizens find it at /thu-tuc/<code>. Checked with axe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base, PASSWORD, freshPage, serious, shot, useBrowser } from './browser.mjs';

useBrowser();

const CODE = '1.990577';
const NAME = 'Cấp giấy xác nhận thử nghiệm trình soạn thảo';
const id = (pointer) => `#ed${pointer.replace(/[^A-Za-z0-9]/g, '-')}`;

test('an agency admin creates, previews, saves and publishes a procedure', async () => {
  // The refused save is a 422 the browser logs; nothing else may fail.
  const { context, page, errors } = await freshPage(['422']);
  await page.goto(`${base}/dang-nhap?return_to=${encodeURIComponent('/quan-tri/thu-tuc')}`);
  await page.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').fill('admin.demo');
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Quản trị danh mục thủ tục' }).waitFor();
  await page.getByRole('link', { name: '+ Thêm thủ tục' }).click();
  await page.getByRole('heading', { level: 1, name: 'Thêm thủ tục' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/quan-tri/thu-tuc/moi');

  await page.locator(id('/MATTHC')).fill(CODE);
  await page.locator(id('/TENTTHC')).fill(NAME);
  await page.locator(id('/TENTTHC_EN')).fill('Test confirmation from the editor');
  await page.locator(id('/MOTA')).fill('Thủ tục thử nghiệm do trình soạn thảo tạo.');
  await page.locator(id('/DICHVUCONG')).selectOption('partial_online');
  await page.getByRole('checkbox', { name: 'Cấp Tỉnh' }).check();
  await page.getByRole('button', { name: '+ Thêm dòng: Lĩnh vực' }).click();
  await page.locator(id('/LINHVUCTHUCHIEN/0/MALINHVUC')).fill('G15-HT');
  await page.locator(id('/LINHVUCTHUCHIEN/0/TENLINHVUC')).fill('Hộ tịch');
  await page.getByRole('button', { name: '+ Thêm dòng: Cơ quan thực hiện' }).click();
  await page.locator(id('/COQUANTHUCHIEN/0/MADONVI')).fill('000.00.02.H99');
  await page.locator(id('/COQUANTHUCHIEN/0/TENDONVI')).fill('Sở Tư pháp');
  await page.locator(id('/CACHTHUCTHUCHIEN/0/THOIGIAN/0/THOIGIANGIAIQUYET')).fill('5');
  await page.locator(id('/CACHTHUCTHUCHIEN/0/THOIGIAN/0/DONVITINH')).selectOption('Ngày làm việc');
  await page.getByRole('button', { name: /^\+ Thêm phí/ }).click();
  const amount = page.locator(id('/CACHTHUCTHUCHIEN/0/THOIGIAN/0/PHILEPHI/0/SOTIEN'));
  await amount.fill('-1000');
  await page.locator(id('/CACHTHUCTHUCHIEN/0/THOIGIAN/0/PHILEPHI/0/LOAIPHILEPHI')).selectOption('LEPHI');
  await page.locator(id('/TRINHTUTHUCHIEN/0/TRINHTU/0/TENTRINHTU')).fill('Nộp hồ sơ tại Bộ phận một cửa.');
  await page.getByRole('button', { name: /^\+ Thêm giấy tờ/ }).click();
  await page.locator(id('/THANHPHANHOSO/0/GIAYTO/0/TENGIAYTO')).fill('Tờ khai đề nghị xác nhận');

  // Leaving with unsaved changes asks first.
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await page.getByRole('link', { name: 'Danh mục thủ tục' }).click();
  assert.match(asked, /chưa lưu/);
  assert.equal(new URL(page.url()).pathname, '/quan-tri/thu-tuc/moi');

  // A negative fee: refused, the error next to the amount and in the summary that takes focus.
  await page.getByRole('button', { name: 'Lưu bản nháp' }).first().click();
  await page.getByRole('alert').getByRole('heading', { name: 'Chưa lưu được' }).waitFor();
  const amountError = page.locator(`${id('/CACHTHUCTHUCHIEN/0/THOIGIAN/0/PHILEPHI/0/SOTIEN')}-error`);
  await amountError.waitFor();
  assert.match(await amountError.textContent(), /không âm/);
  assert.equal(await amount.getAttribute('aria-invalid'), 'true');
  assert.match(await amount.getAttribute('aria-describedby'), /-error/);
  await shot(page, 'editor-error');
  assert.deepEqual(await serious(page), []);

  await amount.fill('25000');
  await page.getByRole('tab', { name: 'Xem trước' }).click();
  const preview = page.getByRole('tabpanel', { name: 'Xem trước' });
  await preview.getByRole('heading', { name: NAME }).waitFor();
  await preview.getByText('25.000', { exact: false }).first().waitFor();
  await preview.getByText('Tờ khai đề nghị xác nhận').waitFor();
  await shot(page, 'editor-preview');
  assert.deepEqual(await serious(page), []);
  assert.equal(await page.getByRole('alert').count(), 0, 'the fixed record previews without errors');

  await page.getByRole('tab', { name: 'Soạn thảo' }).click();
  await page.getByRole('button', { name: 'Lưu bản nháp' }).first().click();
  await page.getByRole('status').filter({ hasText: 'Đã lưu phiên bản 1' }).waitFor();
  await page.waitForURL(`**/quan-tri/thu-tuc/${CODE}/sua`);
  await page.getByRole('heading', { level: 1, name: `Sửa thủ tục ${CODE}` }).waitFor();
  await shot(page, 'editor-form');
  assert.deepEqual(await serious(page), []);
  // A draft is not public yet.
  const before = await page.request.get(`${base}/api/v1/procedures/${CODE}`);
  assert.equal(before.status(), 404);

  await page.getByRole('button', { name: 'Công bố' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã công bố' }).waitFor();
  await page.getByRole('status').getByRole('link', { name: `/thu-tuc/${CODE}` }).click();
  await page.getByRole('heading', { level: 1, name: NAME }).waitFor();
  assert.equal(new URL(page.url()).pathname, `/thu-tuc/${CODE}`);
  await page.getByText('25.000', { exact: false }).first().waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

async function editorAs(login) {
  const opened = await freshPage(['409']);
  const { page } = opened;
  await page.goto(`${base}/dang-nhap?return_to=${encodeURIComponent(`/quan-tri/thu-tuc/${CODE}/sua`)}`);
  await page.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').fill(login);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: `Sửa thủ tục ${CODE}` }).waitFor();
  await page.locator(id('/TENTTHC')).waitFor();
  return opened;
}

test('a save over someone else\'s newer version is refused and the editor offers the latest', async () => {
  const first = await editorAs('admin.demo');
  const second = await editorAs('sysadmin.demo');
  await second.page.locator(id('/YEUCAU')).fill('Có căn cước.');
  await second.page.getByRole('button', { name: 'Lưu bản nháp' }).first().click();
  await second.page.getByRole('status').filter({ hasText: 'Đã lưu phiên bản 2' }).waitFor();

  await first.page.locator(id('/TENTTHC')).fill(`${NAME} (sửa)`);
  await first.page.getByRole('button', { name: 'Lưu bản nháp' }).first().click();
  await first.page.getByRole('alert').getByText(/Người khác đã sửa thủ tục này \(phiên bản 2\)/).waitFor();
  await first.page.getByRole('button', { name: 'Tải lại bản mới nhất' }).click();
  // The conflict alert already names version 2: wait for the reloaded form itself.
  for (let i = 0; i < 100 && (await first.page.locator(id('/YEUCAU')).inputValue()) !== 'Có căn cước.'; ++i) {
    await first.page.waitForTimeout(50);
  }
  assert.equal(await first.page.locator(id('/YEUCAU')).inputValue(), 'Có căn cước.');
  assert.equal(await first.page.locator(id('/TENTTHC')).inputValue(), NAME);
  assert.deepEqual(first.errors, []);
  assert.deepEqual(second.errors, []);
  await first.context.close();
  await second.context.close();
});

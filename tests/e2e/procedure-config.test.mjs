// A procedure's processing configuration in Chromium: admin.demo opens the settings of 2.913001
// from the catalog administration, changes a step's working hours (and is warned when the steps
// use up the catalog's time limit), adds a field to the e-form and sees it in the preview, is told
// next to the inputs that 5000 hours and a pattern that could slow the server are refused, fixes
// both, saves, reloads and finds the changes; a citizen's submission page then shows the new
// field. Checked with axe, on a desktop and a phone screen.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { base, PASSWORD, freshPage, serious, shot, useBrowser, signIn } from './browser.mjs';

useBrowser();

const CODE = '2.913001';
const id = (pointer) => `#cf${pointer.replace(/[^A-Za-z0-9_]/g, '-')}`;

// The admin's API session, to read the configuration as the server keeps it and to put the
// demo's configuration back afterwards (other browser tests fill in this procedure's form).
async function adminApi() {
  const r = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'admin.demo', password: PASSWORD }),
  });
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await r.json();
  return async (method, body) => {
    const res = await fetch(`${base}/api/v1/admin/procedures/${CODE}/config`, {
      method, headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
}

let restore = null;
after(async () => {
  if (restore) await restore();
});

test('an agency admin edits the steps and the e-form of a procedure; citizens see the new field', async () => {
  const call = await adminApi();
  const original = await call('GET');
  assert.equal(original.status, 200);
  restore = async () => assert.equal((await call('PUT', original.body.config)).status, 200);

  // The refused save is a 400 the browser logs; nothing else may fail.
  const { context, page, errors } = await freshPage(['400']);
  await signIn(page, 'admin.demo', '/quan-tri/thu-tuc');
  await page.getByRole('heading', { level: 1, name: 'Quản trị danh mục thủ tục' }).waitFor();
  await page.getByRole('link', { name: `Cấu hình xử lý thủ tục ${CODE}` }).click();
  await page.getByRole('heading', { level: 1, name: `Cấu hình xử lý thủ tục ${CODE}` }).waitFor();
  assert.equal(new URL(page.url()).pathname, `/quan-tri/thu-tuc/${CODE}/cau-hinh`);

  // Steps: the catalog's limit (10 calendar days ≈ 56 working hours) against the allotments.
  await page.getByText('Thời hạn giải quyết theo danh mục: 10 ngày', { exact: false }).waitFor();
  const total = page.getByTestId('steps-total');
  assert.match(await total.textContent(), /16 \/ 56 giờ làm việc; thẩm định còn 40 giờ/);
  // Five fixed stages around the review steps, by default one leader approval.
  assert.equal(await page.getByTestId('stage').count(), 5);
  assert.equal(await page.getByTestId('review').count(), 1);
  await page.getByTestId('review').filter({ hasText: 'Bước 4: Lãnh đạo phê duyệt' }).waitFor();
  assert.equal(await page.locator(id('/workflow/reviews/0/role')).inputValue(), 'leader');
  await page.getByTestId('process-kind').getByText('quy trình mặc định', { exact: false }).waitFor();
  const approval = page.locator(id('/workflow/reviews/0/hours'));
  await approval.fill('60');
  await page.getByText('đã dùng hết thời hạn giải quyết (56 giờ)', { exact: false }).waitFor();
  assert.equal(await total.getAttribute('class'), 'warning');
  await approval.fill('12');
  assert.match(await total.textContent(), /20 \/ 56 giờ làm việc; thẩm định còn 36 giờ/);
  const received = page.locator(id('/steps/received'));
  await received.fill('5000'); // refused by the server below
  await shot(page, 'config-steps');
  assert.deepEqual(await serious(page), []);

  // Leaving with unsaved changes asks first.
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await page.getByRole('link', { name: 'Danh mục thủ tục' }).first().click();
  assert.match(asked, /chưa lưu/);
  assert.equal(new URL(page.url()).pathname, `/quan-tri/thu-tuc/${CODE}/cau-hinh`);

  // E-form: the tabs answer the arrow keys; a new field on the shared form, shown in the preview.
  await page.getByRole('tab', { name: 'Quy trình xử lý' }).focus();
  await page.keyboard.press('ArrowRight');
  const formTab = page.getByRole('tab', { name: 'Tờ khai điện tử' });
  assert.equal(await formTab.getAttribute('aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'cf-tab-form');
  assert.equal(await page.getByLabel('Tờ khai áp dụng cho').inputValue(), '');
  const preview = page.getByTestId('form-preview');
  await preview.getByLabel('Mục đích sử dụng Phiếu').first().waitFor();
  const before = await page.locator('.editor > fieldset.group > div > .field-block').count();
  await page.getByRole('button', { name: '+ Thêm trường', exact: true }).click();
  const fresh = `/form/properties/truong_moi_${before + 1}`;
  // A key another field has would merge the two: refused as typed.
  await page.locator(id(`${fresh}#key`)).fill('muc_dich');
  assert.match(await page.locator(`${id(`${fresh}#key`)}-error`).textContent(), /Trường khác đã dùng mã "muc_dich"/);
  assert.equal(await page.locator(id(`${fresh}#key`)).inputValue(), `truong_moi_${before + 1}`);
  await page.locator(id(`${fresh}#key`)).fill('so_dien_thoai_lien_he');
  assert.equal(await page.locator(`${id('/form/properties/so_dien_thoai_lien_he#key')}-error`).count(), 0);
  const field = '/form/properties/so_dien_thoai_lien_he';
  await page.locator(id(`${field}/title`)).fill('Số điện thoại liên hệ');
  await page.locator(id(`${field}/title_en`)).fill('Contact phone');
  await page.locator(id(`${field}/description`)).fill('Để cơ quan liên hệ khi cần');
  await page.locator(id(`${field}/maxLength`)).fill('15');
  const pattern = page.locator(id(`${field}/pattern`));
  await pattern.fill('^([0-9]+)+$');
  await preview.getByLabel('Số điện thoại liên hệ').waitFor();
  await preview.getByText('Để cơ quan liên hệ khi cần').waitFor();

  // Saved: both problems come back from the server, each next to its input and in the summary.
  await page.getByRole('button', { name: 'Lưu cấu hình' }).first().click();
  const summary = page.getByRole('alert');
  await summary.getByRole('heading', { name: 'Chưa lưu được' }).waitFor();
  const patternError = page.locator(`${id(`${field}/pattern`)}-error`);
  await patternError.waitFor();
  assert.match(await patternError.textContent(), /lặp một nhóm/);
  assert.equal(await pattern.getAttribute('aria-invalid'), 'true');
  assert.match(await summary.textContent(), /Số điện thoại liên hệ.*Mẫu \(biểu thức chính quy\)/);
  assert.match(await summary.textContent(), /Số giờ từ 0 đến 2000/);
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('error-summary')), true);
  await shot(page, 'config-form-error', false);
  await pattern.scrollIntoViewIfNeeded();
  await shot(page, 'config-form-field', false);
  assert.deepEqual(await serious(page), []);

  // The summary's link to the hours opens the steps tab at that input.
  await summary.getByRole('link', { name: /Số giờ từ 0 đến 2000/ }).click();
  assert.equal(await page.getByRole('tab', { name: 'Quy trình xử lý' }).getAttribute('aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'cf-steps-received');
  assert.match(await page.locator(`${id('/steps/received')}-error`).textContent(), /Số giờ từ 0 đến 2000/);
  await received.fill('6');
  // An inter-agency deadline preset for one receiving agency.
  await page.getByRole('button', { name: '+ Đặt thời hạn cho một cơ quan' }).click();
  await page.getByLabel('Cơ quan liên thông 1: mã cơ quan', { exact: true }).fill('000.00.00.G01');
  await page.getByLabel('Cơ quan liên thông 1: số ngày làm việc (1–60)', { exact: true }).fill('7');
  assert.equal(await page.getByTestId('transfer-days').count(), 1);

  await formTab.click();
  await pattern.fill('^[0-9+]+$');
  await page.getByRole('button', { name: 'Lưu cấu hình' }).first().click();
  await page.getByRole('status').filter({ hasText: 'Đã lưu cấu hình' }).waitFor();
  assert.equal(await page.getByRole('alert').count(), 0);

  const saved = await call('GET');
  assert.equal(saved.body.config.steps.awaiting_approval, 12, 'the default process keeps its approval hours under steps');
  assert.equal(saved.body.config.workflow, undefined);
  assert.equal(saved.body.config.steps.received, 6);
  assert.deepEqual(saved.body.config.transfer_days, { '000.00.00.G01': 7 });
  const schema = saved.body.config.form.properties.so_dien_thoai_lien_he;
  assert.deepEqual(schema, { type: 'string', title: 'Số điện thoại liên hệ', title_en: 'Contact phone',
    description: 'Để cơ quan liên hệ khi cần', maxLength: 15, pattern: '^[0-9+]+$' });
  assert.equal(Object.keys(saved.body.config.form.properties).at(-1), 'so_dien_thoai_lien_he');
  // The fields that were there are kept as they were, and so are the cases' own forms.
  assert.deepEqual(saved.body.config.cases, original.body.config.cases);
  assert.deepEqual(saved.body.config.form.properties.nguoi_duoc_cap_phieu, original.body.config.form.properties.nguoi_duoc_cap_phieu);

  // Reloaded: the page shows what the server has.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: `Cấu hình xử lý thủ tục ${CODE}` }).waitFor();
  await page.getByText('Lưu lần cuối:', { exact: false }).waitFor();
  assert.equal(await page.locator(id('/workflow/reviews/0/hours')).inputValue(), '12');
  assert.equal(await page.locator(id('/steps/received')).inputValue(), '6');
  assert.match(await page.getByTestId('steps-total').textContent(), /22 \/ 56 giờ làm việc/);
  await page.getByRole('tab', { name: 'Tờ khai điện tử' }).click();
  // Fields show one line each until opened.
  assert.equal(await page.locator(id(`${field}/title`)).count(), 0);
  const details = page.getByRole('button', { name: `Chi tiết: Trường ${before + 1}: Số điện thoại liên hệ` });
  assert.equal(await details.getAttribute('aria-expanded'), 'false');
  await details.click();
  assert.equal(await details.getAttribute('aria-expanded'), 'true');
  assert.equal(await page.locator(id(`${field}/title`)).inputValue(), 'Số điện thoại liên hệ');
  assert.equal(await page.locator(id(`${field}/pattern`)).inputValue(), '^[0-9+]+$');

  // A case with its own form: case 2 (by proxy) is edited separately from the shared form.
  await page.getByLabel('Tờ khai áp dụng cho').selectOption('2');
  await page.getByText('Trường hợp này có tờ khai riêng', { exact: false }).waitFor();
  await preview.getByRole('heading', { name: 'Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (ủy quyền)' }).waitFor();
  assert.equal(await preview.getByLabel('Số điện thoại liên hệ').count(), 0, 'the shared form\'s new field is not on case 2\'s own form');

  // On a phone the editor and the preview stack.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByLabel('Tờ khai áp dụng cho').selectOption('');
  await shot(page, 'config-form-phone', false);
  const box = await page.getByTestId('form-preview').boundingBox();
  assert.ok(box && box.width <= 390, 'the preview fits the phone screen');
  assert.deepEqual(await serious(page), []);

  // The raw JSON tab holds the same configuration.
  await page.getByRole('tab', { name: 'JSON' }).click();
  const json = JSON.parse(await page.getByLabel('Cấu hình (JSON)').inputValue());
  assert.deepEqual(json, saved.body.config);

  assert.deepEqual(errors, []);
  await context.close();

  // The citizen's submission page asks for the new field.
  const citizen = await freshPage();
  await signIn(citizen.page, 'citizen.demo', `/thu-tuc/${CODE}`);
  await citizen.page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click();
  await citizen.page.getByLabel('Cá nhân tự yêu cầu').check();
  await citizen.page.getByRole('button', { name: 'Tiếp tục' }).click();
  await citizen.page.getByRole('heading', { name: /Bước 2\/4/ }).waitFor();
  const input = citizen.page.locator('#p-form-so_dien_thoai_lien_he');
  await input.waitFor();
  assert.equal(await citizen.page.locator('label[for="p-form-so_dien_thoai_lien_he"]').textContent(), 'Số điện thoại liên hệ');
  assert.equal(await input.getAttribute('maxlength'), '15');
  await shot(citizen.page, 'config-citizen-form');
  assert.deepEqual(citizen.errors, []);
  await citizen.context.close();
});

test('the raw JSON tab sends what was typed and shows the server\'s verdict', async () => {
  const { context, page, errors } = await freshPage(['400']);
  await signIn(page, 'admin.demo', `/quan-tri/thu-tuc/${CODE}/cau-hinh`);
  await page.getByRole('heading', { level: 1, name: `Cấu hình xử lý thủ tục ${CODE}` }).waitFor();
  await page.getByRole('tab', { name: 'JSON' }).click();
  const text = page.getByLabel('Cấu hình (JSON)');
  const config = JSON.parse(await text.inputValue());

  await text.fill('{"steps": ');
  await page.getByRole('tab', { name: 'Quy trình xử lý' }).click();
  await page.getByRole('alert').getByText('Nội dung không phải JSON hợp lệ', { exact: false }).waitFor();
  assert.equal(await page.getByRole('tab', { name: 'JSON' }).getAttribute('aria-selected'), 'true', 'stays on the broken JSON');

  // An unknown agency and a misspelt stage: both refused by the server, both shown on the steps tab.
  await text.fill(JSON.stringify({ ...config, agencies: ['999.99.99.X99'], steps: { ...config.steps, approved: 3, recieved: 4 } }, null, 2));
  await page.getByRole('button', { name: 'Lưu cấu hình' }).first().click();
  const summary = page.getByRole('alert');
  await summary.getByText('Không có cơ quan có mã này', { exact: false }).waitFor();
  await summary.getByText('Không có giai đoạn này', { exact: false }).waitFor();
  await page.getByRole('tab', { name: 'Quy trình xử lý' }).click();
  assert.match(await page.locator(`${id('/agencies/0')}-error`).textContent(), /Không có cơ quan có mã này/);
  assert.match(await page.locator(id('/steps/recieved')).textContent(), /^recieved: Không có giai đoạn này/);
  assert.equal(await page.locator(id('/steps/approved')).inputValue(), '3');
  await shot(page, 'config-json-errors', false);
  assert.deepEqual(await serious(page), []);
  await page.getByRole('button', { name: 'Xóa: Mã cơ quan 1' }).click();
  await page.getByRole('tab', { name: 'JSON' }).click();
  const edited = JSON.parse(await text.inputValue());
  assert.equal(edited.agencies, undefined, 'the agency removed on the steps tab is gone from the JSON');
  delete edited.steps.recieved;
  await text.fill(JSON.stringify(edited, null, 2));
  await page.getByRole('button', { name: 'Lưu cấu hình' }).first().click();
  await page.getByRole('status').filter({ hasText: 'Đã lưu cấu hình' }).waitFor();
  assert.equal(await page.getByRole('alert').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a configuration saved by someone else meanwhile is not overwritten', async () => {
  const call = await adminApi();
  // The save goes out with If-Match and is refused with 409, which the browser logs.
  const { context, page, errors } = await freshPage(['409']);
  await signIn(page, 'admin.demo', `/quan-tri/thu-tuc/${CODE}/cau-hinh`);
  await page.getByRole('heading', { level: 1, name: `Cấu hình xử lý thủ tục ${CODE}` }).waitFor();
  const current = (await call('GET')).body.config;
  assert.equal((await call('PUT', { ...current, steps: { ...current.steps, result_ready: 10 } })).status, 200);

  await page.locator(id('/steps/approved')).fill('5');
  await page.getByRole('button', { name: 'Lưu cấu hình' }).first().click();
  await page.getByRole('alert').getByText('Người khác đã lưu cấu hình này', { exact: false }).waitFor();
  const kept = (await call('GET')).body.config.steps;
  assert.equal(kept.result_ready, 10);
  assert.notEqual(kept.approved, 5, 'the other save was not overwritten');
  await page.getByRole('button', { name: 'Tải lại bản mới nhất' }).click();
  await page.waitForFunction(() => document.getElementById('cf-steps-result_ready')?.value === '10');
  assert.equal(await page.getByRole('alert').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

// The review steps of the process: two reviews configured on the page (a department review by a
// specialist, then the agency's approval by a leader), leaders only for issuing; a refused key is
// shown next to its input; saved, reloaded, and looked at on a desktop and a phone screen.
test('an agency admin gives a procedure two review steps and the roles that act at them', async () => {
  const call = await adminApi();
  const original = await call('GET');
  assert.equal(original.status, 200);
  restore ??= async () => assert.equal((await call('PUT', original.body.config)).status, 200);
  const { context, page, errors } = await freshPage(['400']);
  await signIn(page, 'admin.demo', `/quan-tri/thu-tuc/${CODE}/cau-hinh`);
  await page.getByRole('heading', { level: 1, name: `Cấu hình xử lý thủ tục ${CODE}` }).waitFor();
  // The default approval's hours (steps.awaiting_approval, empty for the default 8) go with it.
  const approvalHours = Number((await page.locator(id('/workflow/reviews/0/hours')).inputValue()) || 8);

  // Rename the default approval, add a review before it, and give it to specialists.
  await page.locator(id('/workflow/reviews/0/name')).fill('Lãnh đạo cơ quan phê duyệt');
  await page.locator(id('/workflow/reviews/0/name_en')).fill('Agency approval');
  await page.getByTestId('process-kind').getByText('quy trình riêng', { exact: false }).waitFor();
  await page.getByRole('button', { name: '+ Thêm bước xem xét' }).click();
  assert.equal(await page.getByTestId('review').count(), 2);
  await page.locator(id('/workflow/reviews/1/name')).fill('Trưởng phòng xem xét');
  await page.locator(id('/workflow/reviews/1/name_en')).fill('Department review');
  await page.locator(id('/workflow/reviews/1/role')).selectOption('specialist');
  await page.locator(id('/workflow/reviews/1/hours')).fill('4');
  await page.locator(id('/workflow/reviews/1/key')).fill('Xem xét phòng'); // refused by the server below
  await page.getByRole('button', { name: 'Lên: Bước 5: Trưởng phòng xem xét' }).click();
  await page.getByTestId('review').first().getByText('Bước 4: Trưởng phòng xem xét').waitFor();
  // Issued by leaders only.
  await page.getByTestId('issue_by').getByLabel('Chuyên viên').uncheck();
  await page.getByRole('button', { name: 'Lưu cấu hình' }).first().click();
  const summary = page.getByRole('alert');
  await summary.getByText('Mã bước gồm 1–40 ký tự', { exact: false }).waitFor();
  assert.match(await page.locator(`${id('/workflow/reviews/0/key')}-error`).textContent(), /Mã bước gồm 1–40 ký tự/);
  await shot(page, 'config-reviews-error');
  assert.deepEqual(await serious(page), []);
  await page.locator(id('/workflow/reviews/0/key')).fill('xem_xet_phong');
  await page.getByRole('button', { name: 'Lưu cấu hình' }).first().click();
  await page.getByRole('status').filter({ hasText: 'Đã lưu cấu hình' }).waitFor();

  const saved = (await call('GET')).body.config;
  assert.deepEqual(saved.workflow, {
    assign_by: ['leader', 'receiver'],
    reviews: [
      { key: 'xem_xet_phong', name: 'Trưởng phòng xem xét', name_en: 'Department review', role: 'specialist', hours: 4 },
      { key: 'awaiting_approval', name: 'Lãnh đạo cơ quan phê duyệt', name_en: 'Agency approval', role: 'leader', hours: approvalHours },
    ],
    issue_by: ['leader'],
  });
  assert.equal(saved.steps?.awaiting_approval, undefined, 'the approval hours moved into its review step');

  await page.reload();
  await page.getByRole('heading', { level: 1, name: `Cấu hình xử lý thủ tục ${CODE}` }).waitFor();
  assert.equal(await page.getByTestId('review').count(), 2);
  assert.equal(await page.locator(id('/workflow/reviews/0/role')).inputValue(), 'specialist');
  assert.equal(await page.getByTestId('issue_by').getByLabel('Chuyên viên').isChecked(), false);
  await page.getByTestId('stage').filter({ hasText: 'Bước 6: Ban hành kết quả' }).waitFor();
  await shot(page, 'config-reviews');
  assert.deepEqual(await serious(page), []);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('reviews').scrollIntoViewIfNeeded();
  await shot(page, 'config-reviews-phone', false);
  const box = await page.getByTestId('review').first().boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 390, 'the review step fits the phone screen');
  assert.deepEqual(await serious(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

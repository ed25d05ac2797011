// A procedure with two review steps in Chromium: 2.913001 configured (through the API) with a
// department review by a specialist before the agency's approval by a leader. A dossier is
// submitted, accepted, assigned and appraised through the API; then on the dossier page the
// specialist sees the department review as the current step and returns the dossier for rework
// with a reason, appraises again and approves it at the department review; the leader then finds
// it in the approve box of the inbox at the approval step and approves it. Checked with axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { base, PASSWORD, freshPage, serious, shot, tinyPdf, useBrowser, signIn, takeAction } from './browser.mjs';

useBrowser();

const CODE = '2.913001';

async function session(login) {
  const r = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password: PASSWORD }),
  });
  assert.equal(r.status, 200, login);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await r.json();
  return async (method, path, body, type = 'application/json') => {
    const res = await fetch(`${base}${path}`, {
      method, headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': type },
      body: body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : body,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

let restore = null;
after(async () => {
  if (restore) await restore();
});

// A workflow action on the dossier page, waiting for the dossier's step.
const act = (page, action, step, fill) => takeAction(page, action, 'dossier-step', step, fill);

test('a dossier goes through a department review before the agency approval', async () => {
  const admin = await session('admin.demo');
  const original = await admin('GET', `/api/v1/admin/procedures/${CODE}/config`);
  assert.equal(original.status, 200);
  restore = async () => assert.equal((await admin('PUT', `/api/v1/admin/procedures/${CODE}/config`, original.body.config)).status, 200);
  const steps = { ...(original.body.config.steps ?? {}) };
  delete steps.awaiting_approval;
  const config = {
    ...original.body.config, steps,
    workflow: {
      reviews: [
        { key: 'xem_xet_phong', name: 'Trưởng phòng xem xét', name_en: 'Department review', role: 'specialist', hours: 4 },
        { key: 'awaiting_approval', name: 'Lãnh đạo cơ quan phê duyệt', name_en: 'Agency approval', role: 'leader', hours: 8 },
      ],
    },
  };
  assert.equal((await admin('PUT', `/api/v1/admin/procedures/${CODE}/config`, config)).status, 200);

  // Submitted, accepted, assigned and appraised through the API.
  const citizen = await session('citizen.demo');
  const up = await citizen('POST', '/api/v1/attachments?name=to-khai.pdf', tinyPdf('to khai'), 'application/pdf');
  assert.equal(up.status, 201);
  const person = { ho_ten: 'Nguyễn Văn An', gioi_tinh: 'male', ngay_sinh: '1985-03-02', noi_sinh: 'Hà Nội', quoc_tich: 'Việt Nam', dan_toc: 'Kinh',
    so_dinh_danh: '001085012345', noi_thuong_tru: 'Số 1 phố Tràng Tiền, phường Tràng Tiền, quận Hoàn Kiếm, thành phố Hà Nội' };
  const form = { nguoi_duoc_cap_phieu: person, qua_trinh_cu_tru: [{ tu_ngay: '1999-03-02', den_ngay: '2026-11-30', noi_cu_tru: person.noi_thuong_tru }],
    loai_phieu: 1, so_luong_phieu: 1, muc_dich: 'Bổ sung hồ sơ xin việc', hinh_thuc_nhan: 'truc_tiep' };
  const made = await citizen('POST', '/api/v1/dossiers', { procedure_code: CODE, case_code: '1', channel: 'online', form,
    documents: [{ code: 'GT.2913001.1.01', attachment_ids: [up.body.id] }], summary: 'Quy trình hai bước xem xét' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const { code } = made.body;
  const receiver = await session('receiver.demo');
  const leaderApi = await session('leader.demo');
  const specialistApi = await session('specialist.demo');
  const action = async (who, name, body = {}) => {
    const r = await who('POST', `/api/v1/dossiers/${encodeURIComponent(code)}/actions/${name}`, body);
    assert.equal(r.status, 200, `${name}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  await action(receiver, 'accept');
  const officers = await leaderApi('GET', '/api/v1/agencies/000.00.02.H99/officers?role=specialist');
  await action(leaderApi, 'assign', { assignee_id: officers.body.items[0].id });
  const appraised = await action(specialistApi, 'appraise', { opinion: 'Đủ điều kiện cấp Phiếu' });
  assert.equal(appraised.stage, 'xem_xet_phong');

  // The specialist sees the department review as the current step, and returns it for rework.
  const specialist = await freshPage();
  await signIn(specialist.page, 'specialist.demo', `/ho-so?ma=${code}`);
  const sp = specialist.page;
  await sp.getByTestId('dossier-step').filter({ hasText: 'Trưởng phòng xem xét' }).waitFor();
  assert.match(await sp.getByTestId('dossier-step').textContent(), /người thực hiện: Chuyên viên xử lý/);
  const buttons = sp.locator('.action-buttons');
  await buttons.getByRole('button', { name: 'Phê duyệt', exact: true }).waitFor();
  await buttons.getByRole('button', { name: 'Trả lại để xử lý lại', exact: true }).waitFor();
  await buttons.getByRole('button', { name: 'Trả lại để xử lý lại', exact: true }).click();
  const dialog = sp.locator('form.action-form');
  await dialog.getByLabel('Lý do').waitFor();
  await shot(sp, 'review-return-dialog');
  assert.deepEqual(await serious(sp), []);
  await dialog.getByLabel('Lý do').fill('Bổ sung ý kiến về quá trình cư trú');
  await dialog.getByRole('button', { name: 'Trả lại để xử lý lại', exact: true }).click();
  await sp.getByRole('status').filter({ hasText: 'Đã thực hiện: Trả lại để xử lý lại.' }).waitFor();
  await sp.getByTestId('dossier-step').filter({ hasText: 'Đang thẩm định' }).waitFor();
  const history = sp.getByTestId('history');
  await history.getByText('Bổ sung ý kiến về quá trình cư trú').waitFor();
  await history.locator('tr').filter({ hasText: 'Trả lại để xử lý lại' }).getByText('Trưởng phòng xem xét').waitFor();

  // Appraised again (on the page), then approved at the department review.
  await act(sp, 'Trình phê duyệt', 'Trưởng phòng xem xét', (f) => f.getByLabel('Ý kiến thẩm định').fill('Đã bổ sung ý kiến'));
  await act(sp, 'Phê duyệt', 'Lãnh đạo cơ quan phê duyệt');
  assert.equal(await buttons.getByRole('button', { name: 'Phê duyệt', exact: true }).count(), 0, 'the approval step is the leader\'s');
  await shot(sp, 'review-specialist');
  assert.deepEqual(await serious(sp), []);
  assert.deepEqual(specialist.errors, []);
  await specialist.context.close();

  // The leader finds it in the approve box and approves it at the agency's step.
  const leader = await freshPage();
  await signIn(leader.page, 'leader.demo', '/can-bo/ho-so?hop=approve');
  const lp = leader.page;
  assert.equal(await lp.getByTestId('box-approve').getAttribute('aria-pressed'), 'true');
  await lp.getByText(code).first().waitFor();
  await lp.goto(`${base}/ho-so?ma=${encodeURIComponent(code)}`);
  await lp.getByTestId('dossier-step').filter({ hasText: 'Lãnh đạo cơ quan phê duyệt' }).waitFor();
  await act(lp, 'Phê duyệt', 'Đã phê duyệt, chờ ban hành kết quả');
  await lp.getByTestId('history').locator('tr').filter({ hasText: 'Phê duyệt' }).filter({ hasText: 'Lãnh đạo cơ quan phê duyệt' }).first().waitFor();
  const after = (await leaderApi('GET', `/api/v1/dossiers/${encodeURIComponent(code)}`)).body;
  assert.equal(after.stage, 'approved');
  await shot(lp, 'review-leader');
  assert.deepEqual(await serious(lp), []);
  assert.deepEqual(leader.errors, []);
  await leader.context.close();
});

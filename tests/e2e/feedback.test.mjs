// Feedback and petitions (PAKN) and questions in Chromium against a running motcua with the demo
// data: a citizen sends feedback about a procedure and follows it; the receiving officer registers,
// classifies and answers it from the inbox; a leader publishes it; anyone finds the published
// answer without the petitioner's data (also on a phone); the citizen rates it; an officer merges a
// duplicate suggested to them; a question asked on the procedure page is answered and published
// into the procedure's FAQ. Every page passes axe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base, PASSWORD, freshPage, serious, shot, useBrowser, signIn } from './browser.mjs';

useBrowser();

// A signed-in API caller (cookie + CSRF token).
async function apiAs(login) {
  const session = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password: PASSWORD }),
  });
  assert.equal(session.status, 200);
  const cookie = session.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await session.json();
  return async (method, path, body) => {
    const r = await fetch(`${base}${path}`, {
      method, headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
}

const stamp = Date.now().toString(36);

test('a citizen sends feedback, an officer answers it, a leader publishes it, and the citizen rates it', async () => {
  const title = `Hẹn trả phiếu lý lịch tư pháp nhiều lần ${stamp}`;
  const citizen = await freshPage(['400']);  // the empty form is refused on purpose
  await signIn(citizen.page, 'citizen.demo', '/phan-anh/gui?thu-tuc=2.913001');
  const page = citizen.page;
  await page.getByRole('heading', { name: 'Gửi phản ánh, kiến nghị', level: 1 }).waitFor();
  assert.equal(await page.getByLabel('Mã thủ tục hành chính (nếu có)').inputValue(), '2.913001');
  await page.getByLabel('Loại phản ánh').selectOption('PAKN-HC');
  // An empty text is refused with the field named.
  await page.getByRole('button', { name: 'Gửi', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'Chưa gửi được phản ánh' }).waitFor();
  assert.deepEqual(await serious(page), []);
  await page.getByLabel('Tiêu đề').fill(title);
  await page.getByLabel('Nội dung').fill('Tôi là Nguyễn Văn An, điện thoại 0912 345 678. Hồ sơ bị hẹn lại ba lần. <script>alert(1)</script>');
  await page.getByRole('button', { name: 'Gửi', exact: true }).click();
  const sent = page.getByRole('status').filter({ hasText: /Đã gửi phản ánh PAKN-\d{6}-\d{4}\./ });
  await sent.waitFor();
  const code = /PAKN-\d{6}-\d{4}/.exec(await sent.textContent())[0];
  await page.getByRole('link', { name: 'Theo dõi phản ánh' }).click();
  await page.getByTestId('fb-status').filter({ hasText: 'Mới tiếp nhận' }).waitFor();
  // The script is shown as text, not run.
  assert.ok(await page.getByText('<script>alert(1)</script>', { exact: false }).isVisible());
  assert.deepEqual(await serious(page), []);
  await shot(page, 'feedback-citizen-received');

  const officer = await freshPage();
  await signIn(officer.page, 'receiver.demo', '/can-bo/phan-anh');
  const o = officer.page;
  await o.getByTestId('fb-row').filter({ hasText: code }).waitFor();
  assert.deepEqual(await serious(o), []);
  await shot(o, 'feedback-inbox');
  await o.getByRole('link', { name: code }).click();
  await o.getByRole('button', { name: 'Vào sổ tiếp nhận' }).click();
  await o.getByTestId('fb-status').filter({ hasText: 'Đã vào sổ' }).waitFor();
  await o.getByLabel('Về quy định hành chính thuộc thẩm quyền').check();
  await o.getByRole('button', { name: 'Phân loại' }).click();
  await o.getByTestId('fb-status').filter({ hasText: 'Đang xử lý' }).waitFor();
  await o.getByLabel('Nội dung trả lời').fill('Sở đã làm việc với bộ phận một cửa; phiếu của ông Nguyễn Văn An (0912 345 678) đã được trả.');
  assert.deepEqual(await serious(o), []);
  await shot(o, 'feedback-officer-answer');
  await o.getByRole('button', { name: 'Trả lời', exact: true }).click();
  await o.getByTestId('fb-status').filter({ hasText: 'Đã trả lời' }).waitFor();
  assert.deepEqual(officer.errors, []);
  await officer.context.close();

  const leader = await freshPage();
  await signIn(leader.page, 'leader.demo', `/phan-anh/${code}`);
  // The leader reads the texts as they will be published, personal data already hidden.
  const preview = leader.page.getByTestId('fb-publish-preview');
  await leader.page.getByLabel('Câu trả lời công khai').waitFor();
  const publicAnswer = await leader.page.getByLabel('Câu trả lời công khai').inputValue();
  assert.ok(publicAnswer.includes('phiếu của ông *** (***) đã được trả'), publicAnswer);
  const publicContent = await leader.page.getByLabel('Nội dung công khai').inputValue();
  assert.ok(!publicContent.includes('Nguyễn Văn An') && !publicContent.includes('0912'), publicContent);
  assert.ok(await preview.isVisible());
  assert.deepEqual(await serious(leader.page), []);
  await shot(leader.page, 'feedback-publish-preview');
  await leader.page.getByRole('button', { name: 'Công khai câu trả lời' }).click();
  await leader.page.getByTestId('fb-status').filter({ hasText: 'Đã trả lời và công khai' }).waitFor();
  await leader.context.close();

  // Anyone finds it, without the petitioner's name or phone; on a phone too.
  const visitor = await freshPage();
  await visitor.page.setViewportSize({ width: 390, height: 844 });
  await visitor.page.goto(`${base}/phan-anh`);
  await visitor.page.getByLabel('Tìm câu trả lời').fill(`hen tra phieu ${stamp}`);
  await visitor.page.getByRole('button', { name: 'Tìm', exact: true }).click();
  const answer = visitor.page.getByTestId('fb-answer').filter({ hasText: code });
  await answer.waitFor();
  const text = await answer.textContent();
  assert.ok(!text.includes('Nguyễn Văn An') && !text.includes('0912'), text);
  assert.ok(text.includes('phiếu của ông *** (***) đã được trả'), text);
  assert.deepEqual(await serious(visitor.page), []);
  await shot(visitor.page, 'feedback-public-phone');
  await visitor.context.close();

  await page.reload();
  await page.getByTestId('fb-answer-text').waitFor();
  await page.getByLabel('Rất hài lòng').check();
  await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await page.getByRole('status').filter({ hasText: 'Cảm ơn bạn đã đánh giá.' }).waitFor();
  assert.ok(await page.getByText('Đánh giá của bạn: Rất hài lòng').isVisible());
  await shot(page, 'feedback-citizen-rated');
  assert.deepEqual(citizen.errors, []);
  await citizen.context.close();
});

test('an officer merges a duplicate that the inbox suggests', async () => {
  const a = await apiAs('citizen.demo'), b = await apiAs('citizen2.demo');
  const body = (content) => ({ category: 'LV-G15-LLTP', procedure_code: '2.913001', title: `Chậm trả phiếu ${stamp}`, content });
  const first = await a('POST', '/api/v1/feedback', body(`Bộ phận một cửa chậm trả phiếu lý lịch tư pháp ${stamp}`));
  const second = await b('POST', '/api/v1/feedback', body(`Chậm trả phiếu lý lịch tư pháp ở bộ phận một cửa ${stamp}`));
  assert.equal(first.status, 201);
  assert.equal(second.status, 201);
  const { context, page, errors } = await freshPage();
  await signIn(page, 'receiver.demo', `/phan-anh/${second.body.code}`);
  const merge = page.getByRole('button', { name: `Gộp vào ${first.body.code}` });
  await merge.waitFor();
  assert.deepEqual(await serious(page), []);
  await shot(page, 'feedback-merge');
  await merge.click();
  await page.getByTestId('fb-status').filter({ hasText: 'Đã gộp với phản ánh trùng' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a question asked on the procedure page is answered and published into its FAQ', async () => {
  const question = `Người ở nước ngoài có xin phiếu qua mạng được không? ${stamp}`;
  const citizen = await freshPage();
  await signIn(citizen.page, 'citizen.demo', '/thu-tuc/2.913001');
  await citizen.page.getByRole('heading', { name: 'Hỏi đáp về thủ tục này' }).waitFor();
  await citizen.page.getByLabel('Câu hỏi của bạn').fill(question);
  await citizen.page.getByRole('button', { name: 'Gửi câu hỏi' }).click();
  await citizen.page.getByRole('status').filter({ hasText: 'Đã gửi câu hỏi.' }).waitFor();
  assert.deepEqual(await serious(citizen.page), []);
  await shot(citizen.page, 'procedure-ask');

  const leader = await freshPage();
  await signIn(leader.page, 'leader.demo', '/can-bo/hoi-dap');
  const row = leader.page.getByTestId('question').filter({ hasText: question });
  await row.waitFor();
  await row.getByLabel('Nội dung trả lời').fill('Được: nộp trực tuyến và nhận phiếu qua bưu chính.');
  await row.getByRole('button', { name: 'Trả lời' }).click();
  await row.getByRole('button', { name: 'Đưa vào hỏi đáp của thủ tục' }).click();
  await row.filter({ hasText: 'Đã đưa vào hỏi đáp' }).waitFor();
  assert.deepEqual(await serious(leader.page), []);
  await shot(leader.page, 'questions-inbox');
  assert.deepEqual(leader.errors, []);
  await leader.context.close();

  await citizen.page.reload();
  await citizen.page.getByTestId('procedure-faq').getByText(question).waitFor();
  assert.deepEqual(citizen.errors, []);
  await citizen.context.close();
});

test('an officer transfers an item to an agency found by name or code', async () => {
  const citizen = await apiAs('citizen.demo');
  const r = await citizen('POST', '/api/v1/feedback', { category: 'PAKN-HC', title: `Chuyển ${stamp}`, content: 'Cán bộ Sở khác gây phiền hà.', procedure_code: '2.913001' });
  assert.equal(r.status, 201);
  const code = r.body.code;
  const receiver = await apiAs('receiver.demo');
  assert.equal((await receiver('POST', `/api/v1/feedback/${code}/actions/register`, {})).status, 200);
  const officer = await freshPage();
  await signIn(officer.page, 'receiver.demo', `/phan-anh/${code}`);
  const o = officer.page;
  await o.getByLabel('Về hành vi của cơ quan, cán bộ (chuyển cơ quan có thẩm quyền)').check();
  await o.getByRole('button', { name: 'Phân loại' }).click();
  await o.getByTestId('fb-status').filter({ hasText: 'Đã phân loại, chờ chuyển' }).waitFor();
  await o.setViewportSize({ width: 390, height: 844 });
  await o.getByLabel('Tìm cơ quan có thẩm quyền').fill('03.H99');
  const choice = o.getByRole('radio', { name: /000\.00\.03\.H99/ });
  await choice.check();
  await o.getByTestId('fb-act-transfer-agency-chosen').waitFor();
  assert.deepEqual(await serious(o), []);
  await shot(o, 'feedback-transfer-picker-phone');
  await o.getByRole('button', { name: 'Chuyển cơ quan có thẩm quyền' }).click();
  // The item left this agency: the page reloads as the holder changed.
  await o.getByRole('status').filter({ hasText: 'Chuyển cơ quan có thẩm quyền' }).waitFor();
  const after = await (await apiAs('receiver2.demo'))('GET', `/api/v1/feedback/${code}`);
  assert.equal(after.status, 200);
  assert.equal(after.body.status, 'transferred');
  assert.equal(after.body.agency.code, '000.00.03.H99');
  assert.deepEqual(officer.errors, []);
  await officer.context.close();
});

test('someone without an account follows the item with its code and lookup key and rates the answer', async () => {
  const anon = await freshPage(['404']);  // the wrong key is refused on purpose
  const page = anon.page;
  await page.goto(`${base}/phan-anh/gui`);
  await page.getByLabel('Loại phản ánh').selectOption('PAKN-QD');
  await page.getByLabel('Tiêu đề').fill(`Đề nghị bỏ bản sao ${stamp}`);
  await page.getByLabel('Nội dung').fill('Đề nghị bỏ yêu cầu nộp bản sao chứng thực.');
  await page.getByLabel('Mã thủ tục hành chính (nếu có)').fill('2.913001');
  await page.getByLabel('Họ và tên').fill('Lê Văn Cường');
  await page.getByLabel('Thư điện tử').fill('cuong@example.vn');
  await page.getByRole('button', { name: 'Gửi', exact: true }).click();
  const key = (await page.getByTestId('fb-sent-key').textContent()).trim();
  const code = (await page.getByTestId('fb-sent-code').textContent()).trim();
  assert.match(key, /^[0-9A-F]{4}(-[0-9A-F]{4}){4}$/);
  assert.ok(await page.getByText('Mã tra cứu của bạn').isVisible());
  assert.deepEqual(await serious(page), []);
  await shot(page, 'feedback-anonymous-key');
  await page.getByRole('link', { name: 'Trang tra cứu phản ánh' }).click();
  await page.waitForURL((u) => u.pathname === '/phan-anh/tra-cuu');
  assert.equal(await page.getByLabel('Mã phản ánh').inputValue(), code);
  // A wrong key says only "not found".
  await page.getByLabel('Mã tra cứu').fill('0000-0000-0000-0000-0000');
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await page.getByRole('alert').filter({ hasText: 'Không tìm thấy phản ánh với mã và mã tra cứu này.' }).waitFor();
  await page.getByLabel('Mã tra cứu').fill(key.toLowerCase());
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await page.getByTestId('lk-status').filter({ hasText: 'Mới tiếp nhận' }).waitFor();

  const receiver = await apiAs('receiver.demo');
  for (const [action, body] of [['register', {}], ['classify', { classification: 'regulation_within' }], ['answer', { answer: `Đã bỏ yêu cầu bản sao ${stamp}.` }]]) {
    assert.equal((await receiver('POST', `/api/v1/feedback/${code}/actions/${action}`, body)).status, 200);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await page.getByTestId('lk-answer').filter({ hasText: `Đã bỏ yêu cầu bản sao ${stamp}.` }).waitFor();
  assert.ok(await page.getByTestId('lk-history').getByText('Trả lời').first().isVisible());
  await page.getByLabel('Rất hài lòng').check();
  await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await page.getByTestId('lk-rating').filter({ hasText: 'Rất hài lòng' }).waitFor();
  assert.deepEqual(await serious(page), []);
  await shot(page, 'feedback-lookup-phone');
  assert.deepEqual(anon.errors, []);
  await anon.context.close();
});

test('a system administrator issues an Open311 key, it works, and once revoked it is refused', async () => {
  const admin = await freshPage();
  const page = admin.page;
  await signIn(page, 'sysadmin.demo', '/');
  await page.getByRole('link', { name: 'Khóa Open311' }).click();
  await page.getByRole('heading', { name: 'Khóa Open311 của đơn vị tích hợp', level: 1 }).waitFor();
  const name = `Ứng dụng thử ${stamp}`;
  await page.getByLabel('Tên đơn vị tích hợp').fill(name);
  await page.getByRole('button', { name: 'Cấp khóa' }).click();
  const key = (await page.getByTestId('o311-new-key').textContent()).trim();
  assert.match(key, /^o311_[0-9a-f]+$/);
  assert.ok(await page.getByText('Khóa chỉ hiển thị một lần', { exact: false }).isVisible());
  assert.deepEqual(await serious(page), []);
  await shot(page, 'open311-key-issued');

  const post = () => fetch(`${base}/open311/v2/requests.json`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_key: key, service_code: 'PAKN-HC', address_string: '1 Tràng Tiền, Hà Nội',
      description: `Phản ánh qua ứng dụng ${stamp}`, first_name: 'Bình', last_name: 'Trần', email: 'binh@example.vn' }),
  });
  const ok = await post();
  assert.equal(ok.status, 201, await ok.text());

  await page.getByRole('button', { name: 'Tôi đã lưu khóa' }).click();
  assert.equal(await page.getByTestId('o311-new-key').count(), 0);  // shown once
  const row = page.getByRole('row').filter({ hasText: name });
  await page.reload();
  await row.waitFor();
  const listed = await row.textContent();
  assert.ok(listed.includes('Đang dùng'), listed);
  // Its use is recorded: last used, and the one item sent with it.
  assert.ok(!listed.includes('Chưa dùng'), listed);
  assert.equal((await row.getByRole('cell').nth(3).textContent()).trim(), '1');
  await page.setViewportSize({ width: 390, height: 844 });
  await row.getByRole('button', { name: `Thu hồi: ${name}` }).click();
  await row.getByRole('alertdialog').waitFor();
  assert.deepEqual(await serious(page), []);
  await shot(page, 'open311-revoke-confirm-phone');
  await row.getByRole('button', { name: 'Thu hồi khóa' }).click();
  await page.getByRole('status').filter({ hasText: `Đã thu hồi khóa của ${name}.` }).waitFor();
  await row.filter({ hasText: 'Đã thu hồi' }).waitFor();

  const refused = await post();
  assert.equal(refused.status, 403);
  assert.deepEqual(admin.errors, []);
  await admin.context.close();
});

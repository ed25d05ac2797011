// The payment step of a dossier (docs/payment.md): what is owed (phí and lệ phí lines), the
// "Thanh toán" button that sends the applicant to the payment platform, each attempt's state,
// the e-receipts (ours, one per kind of money, and the platform's), refunds by rule and, for
// the dossier's officers, its ledger and the recording of a refund.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, postOnce, type Attempt } from '../api';
import type { Lang } from '../i18n';
import { Notice } from '../ui';
import { money, when } from './dossierCommon';

interface Receipt {
  kind: string;
  series: string;
  number: number;
  amount: number;
  url: string;
}
interface Txn {
  reference: string;
  amount: number;
  state: 'pending' | 'succeeded' | 'failed' | 'cancelled';
  pay_url?: string;
  receipt_url?: string;
  receipts?: Receipt[];
  created_at: string;
}
interface PaymentRequest {
  id: string;
  amount: number;
  reason: string;
  items: { kind: string; name: string; amount: number }[];
  state: 'open' | 'paid' | 'cancelled' | 'refund_due';
  paid_at: string | null;
  transactions: Txn[];
}
interface Refund {
  request_id: string;
  reference: string | null;
  amount: number;
  due_at: string;
  rule: string;
  refunded_at: string | null;
  note: string | null;
}
interface LedgerRow {
  at: string;
  event: string;
  amount: number;
  reference: string | null;
  from: string;
  to: string;
  type_code?: string;
}
interface Payments {
  enabled: boolean;
  disabled_reason?: string;
  can_pay: boolean;
  can_refund?: boolean;
  amount_due: number;
  requests: PaymentRequest[];
  refunds?: Refund[];
  ledger?: LedgerRow[];
}

const words = {
  vi: {
    pay: 'Thanh toán trực tuyến',
    paying: 'Đang chuyển đến cổng thanh toán…',
    states: { open: 'Chờ thanh toán', paid: 'Đã thanh toán', cancelled: 'Đã hủy', refund_due: 'Chờ hoàn tiền' },
    txn: { pending: 'đang chờ kết quả', succeeded: 'thành công', failed: 'không thành công', cancelled: 'đã hủy' },
    kinds: { phi: 'Phí', le_phi: 'Lệ phí', other: 'Khoản nộp' } as Record<string, string>,
    receiptKinds: { phi: 'Biên lai thu phí', le_phi: 'Biên lai thu lệ phí', other: 'Biên lai thu tiền' } as Record<string, string>,
    platformReceipt: 'Biên lai của nền tảng thanh toán',
    number: 'số',
    failed: 'Không bắt đầu được thanh toán',
    refresh: 'Cập nhật trạng thái',
    back00: 'Nền tảng thanh toán báo giao dịch thành công. Trạng thái hồ sơ được cập nhật khi hệ thống nhận xác nhận.',
    backDone: 'Thanh toán đã được xác nhận.',
    backFailed: 'Giao dịch không thành công (mã {code}). Bạn có thể thanh toán lại.',
    refundsTitle: 'Hoàn tiền',
    rules: { dossier_not_processed: 'hồ sơ không được giải quyết (rút, từ chối hoặc dừng)', paid_twice: 'khoản đã được thanh toán trước đó' } as Record<string, string>,
    refundDue: 'Chờ hoàn trả',
    refunded: 'Đã hoàn trả',
    refundNote: 'Ghi chú hoàn tiền (chứng từ chuyển khoản…)',
    recordRefund: 'Ghi nhận đã hoàn tiền',
    ledgerTitle: 'Sổ thu của hồ sơ',
    at: 'Thời điểm',
    event: 'Sự kiện',
    amount: 'Số tiền',
    reference: 'Mã tham chiếu',
    typeCode: 'Mã loại giao dịch',
    events: {
      requested: 'Yêu cầu nộp', initiated: 'Bắt đầu thanh toán', init_failed: 'Không khởi tạo được', settled: 'Đã thu', declined: 'Không thành công',
      expired: 'Hết hạn', cancelled: 'Hủy', paid_at_counter: 'Nộp tại quầy', refund_due: 'Phải hoàn trả', refunded: 'Đã hoàn trả',
    } as Record<string, string>,
  },
  en: {
    pay: 'Pay online',
    paying: 'Going to the payment platform…',
    states: { open: 'Waiting for payment', paid: 'Paid', cancelled: 'Cancelled', refund_due: 'Refund due' },
    txn: { pending: 'waiting for the result', succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled' },
    kinds: { phi: 'Fee (phí)', le_phi: 'Charge (lệ phí)', other: 'Amount' } as Record<string, string>,
    receiptKinds: { phi: 'Fee receipt', le_phi: 'Charge receipt', other: 'Receipt' } as Record<string, string>,
    platformReceipt: "The payment platform's receipt",
    number: 'no.',
    failed: 'The payment could not be started',
    refresh: 'Refresh status',
    back00: 'The payment platform reports the payment succeeded. The dossier updates once its confirmation arrives.',
    backDone: 'The payment is confirmed.',
    backFailed: 'The payment did not go through (code {code}). You can pay again.',
    refundsTitle: 'Refunds',
    rules: { dossier_not_processed: 'the dossier will not be processed (withdrawn, refused or stopped)', paid_twice: 'it had been paid already' } as Record<string, string>,
    refundDue: 'To be refunded',
    refunded: 'Refunded',
    refundNote: 'Refund note (the transfer voucher…)',
    recordRefund: 'Record the refund',
    ledgerTitle: "The dossier's payment ledger",
    at: 'When',
    event: 'Event',
    amount: 'Amount',
    reference: 'Reference',
    typeCode: 'Transaction type code',
    events: {
      requested: 'Requested', initiated: 'Payment started', init_failed: 'Could not start', settled: 'Collected', declined: 'Declined',
      expired: 'Expired', cancelled: 'Cancelled', paid_at_counter: 'Paid at the counter', refund_due: 'Refund due', refunded: 'Refunded',
    } as Record<string, string>,
  },
};

// What the payment platform said when it sent the browser back (?MaThamChieu=…&MaLoi=…).
function returnCode(): string | null {
  const q = new URLSearchParams(window.location.search);
  return q.get('MaThamChieu') ? q.get('MaLoi') : null;
}

function RefundForm({ path, refund, label, button, lang, onDone }: {
  path: string; refund: Refund; label: string; button: string; lang: Lang; onDone: () => void;
}) {
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const id = `refund-${refund.request_id}-${refund.reference ?? 'request'}`;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    const body: Record<string, string> = { note };
    if (refund.reference) body.reference = refund.reference;
    const r = await api('POST', `${path}/requests/${encodeURIComponent(refund.request_id)}/refund`, body, lang);
    setBusy(false);
    if (r.ok) onDone();
    else setError(r.problem.detail || r.problem.title);
  };
  return (
    <form className="form refund-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor={id}>{label}</label>
      <input id={id} value={note} maxLength={1000} required onChange={(e) => setNote(e.target.value)}
        aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} />
      {error && <p id={`${id}-error`} className="error">{error}</p>}
      <button type="submit" disabled={busy || note.trim() === ''}>{button}</button>
    </form>
  );
}

export function PaymentPanel({ code, lang, onSettled }: { code: string; lang: Lang; onSettled: () => void }) {
  const w = words[lang === 'en' ? 'en' : 'vi'];
  const [data, setData] = useState<Payments | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [back] = useState(returnCode);
  const attempt = useRef<Attempt | null>(null);
  const path = `/api/v1/dossiers/${encodeURIComponent(code)}/payments`;

  const load = useCallback(async () => {
    const r = await api<Payments>('GET', path, undefined, lang);
    if (r.ok) {
      setData((prev) => {
        if (prev && prev.amount_due > 0 && r.data.amount_due === 0) onSettled();
        return r.data;
      });
    }
  }, [path, lang, onSettled]);
  useEffect(() => {
    void load();
  }, [load]);
  // Back from the platform with a success while the confirmation is on its way: look again a
  // few times (the callback usually lands within a second or two).
  const pending = !!data && data.amount_due > 0 && data.requests.some((r) => r.transactions.some((x) => x.state === 'pending'));
  useEffect(() => {
    if (back !== '00' || !pending) return;
    let n = 0;
    const timer = window.setInterval(() => {
      if (++n > 20) window.clearInterval(timer);
      else void load();
    }, 1500);
    return () => window.clearInterval(timer);
  }, [back, pending, load]);

  if (!data || data.requests.length === 0) return null;
  const pay = async (request: string) => {
    setBusy(true);
    setError('');
    const { answer } = await postOnce<{ pay_url: string }>(attempt, path, { request_id: request }, lang);
    if (answer.ok) {
      window.location.assign(answer.data.pay_url);
      return;
    }
    setBusy(false);
    setError(answer.problem.title || answer.problem.detail || w.failed);
  };
  const refunds = data.refunds ?? [];

  return (
    <div className="payments">
      {error && <p className="error" role="alert">{error}</p>}
      {back === '00' && <Notice>{pending ? w.back00 : w.backDone}</Notice>}
      {back && back !== '00' && <p className="error" role="alert">{w.backFailed.replace('{code}', back)}</p>}
      {!data.enabled && data.disabled_reason && <p>{data.disabled_reason}</p>}
      {data.requests.map((r) => (
        <div key={r.id} className="payment-request">
          <p>
            <strong>{money(r.amount, lang)}</strong> — {r.reason} · <span data-testid="payment-state">{w.states[r.state]}</span>
            {r.paid_at && ` · ${when(r.paid_at)}`}
          </p>
          {r.items.length > 1 && (
            <ul>
              {r.items.map((it, i) => (
                <li key={i}>
                  {w.kinds[it.kind] ?? it.kind}: {it.name} — {money(it.amount, lang)}
                </li>
              ))}
            </ul>
          )}
          {r.transactions.length > 0 && (
            <ul className="attempts">
              {r.transactions.map((x) => (
                <li key={x.reference}>
                  <span className="code">{x.reference}</span> · <span data-testid="txn-state">{w.txn[x.state]}</span>
                  {(x.receipts ?? []).length > 0 && (
                    <ul className="receipts">
                      {(x.receipts ?? []).map((rc) => (
                        <li key={rc.kind}>
                          <a href={rc.url} download>
                            {w.receiptKinds[rc.kind] ?? rc.kind} {rc.series} {w.number} {String(rc.number).padStart(7, '0')} ({money(rc.amount, lang)}, PDF)
                          </a>
                        </li>
                      ))}
                      {x.receipt_url && (
                        <li>
                          <a href={x.receipt_url} download>{w.platformReceipt} (PDF)</a>
                        </li>
                      )}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          )}
          {r.state === 'open' && data.can_pay && (
            <button type="button" className="primary" disabled={busy} onClick={() => void pay(r.id)}>
              {busy ? w.paying : w.pay}
            </button>
          )}
        </div>
      ))}
      {data.amount_due > 0 && (
        <button type="button" className="secondary" onClick={() => void load()}>
          {w.refresh}
        </button>
      )}
      {refunds.length > 0 && (
        <section aria-labelledby={`refunds-${code}`}>
          <h3 id={`refunds-${code}`}>{w.refundsTitle}</h3>
          <ul>
            {refunds.map((f) => (
              <li key={`${f.request_id}-${f.reference ?? ''}`}>
                <strong>{money(f.amount, lang)}</strong> — {w.rules[f.rule] ?? f.rule} · <span data-testid="refund-state">
                  {f.refunded_at ? `${w.refunded} ${when(f.refunded_at)}` : w.refundDue}</span>
                {f.note && ` · ${f.note}`}
                {!f.refunded_at && data.can_refund && (
                  <RefundForm path={path} refund={f} label={w.refundNote} button={w.recordRefund} lang={lang} onDone={() => void load()} />
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {data.ledger && data.ledger.length > 0 && (
        <div className="table-scroll">
          <table className="table ledger">
            <caption>{w.ledgerTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{w.at}</th>
                <th scope="col">{w.event}</th>
                <th scope="col">{w.amount}</th>
                <th scope="col">{w.reference}</th>
                <th scope="col">{w.typeCode}</th>
              </tr>
            </thead>
            <tbody>
              {data.ledger.map((l, i) => (
                <tr key={i}>
                  <td>{when(l.at)}</td>
                  <td>{w.events[l.event] ?? l.event}</td>
                  <td className="num">{money(l.amount, lang)}</td>
                  <td className="code">{l.reference ?? '—'}</td>
                  <td className="code">{l.type_code ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

// The payment step of a dossier (docs/payment.md): what is owed (phí and lệ phí lines), the
// "Thanh toán" button that sends the applicant to the payment platform, each attempt's state
// and the e-receipt. Officers see the same list.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, postOnce, type Attempt } from '../api';
import type { Lang } from '../i18n';
import { Notice } from '../ui';
import { money, when } from './dossierCommon';

interface Txn {
  reference: string;
  amount: number;
  state: 'pending' | 'succeeded' | 'failed' | 'cancelled';
  pay_url?: string;
  receipt_url?: string;
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
interface Payments {
  enabled: boolean;
  disabled_reason?: string;
  can_pay: boolean;
  amount_due: number;
  requests: PaymentRequest[];
}

const words = {
  vi: {
    pay: 'Thanh toán trực tuyến',
    paying: 'Đang chuyển đến cổng thanh toán…',
    states: { open: 'Chờ thanh toán', paid: 'Đã thanh toán', cancelled: 'Đã hủy', refund_due: 'Chờ hoàn tiền' },
    txn: { pending: 'đang chờ kết quả', succeeded: 'thành công', failed: 'không thành công', cancelled: 'đã hủy' },
    kinds: { phi: 'Phí', le_phi: 'Lệ phí', other: 'Khoản nộp' } as Record<string, string>,
    receipt: 'Biên lai điện tử',
    failed: 'Không bắt đầu được thanh toán',
    refresh: 'Cập nhật trạng thái',
  },
  en: {
    pay: 'Pay online',
    paying: 'Going to the payment platform…',
    states: { open: 'Waiting for payment', paid: 'Paid', cancelled: 'Cancelled', refund_due: 'Refund due' },
    txn: { pending: 'waiting for the result', succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled' },
    kinds: { phi: 'Fee (phí)', le_phi: 'Charge (lệ phí)', other: 'Amount' } as Record<string, string>,
    receipt: 'E-receipt',
    failed: 'The payment could not be started',
    refresh: 'Refresh status',
  },
};

export function PaymentPanel({ code, lang, onSettled }: { code: string; lang: Lang; onSettled: () => void }) {
  const w = words[lang === 'en' ? 'en' : 'vi'];
  const [data, setData] = useState<Payments | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
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

  return (
    <div className="payments">
      {error && <Notice>{error}</Notice>}
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
            <ul>
              {r.transactions.map((x) => (
                <li key={x.reference}>
                  {x.reference} · {w.txn[x.state]}
                  {x.receipt_url && (
                    <>
                      {' · '}
                      <a href={x.receipt_url}>{w.receipt}</a>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
          {r.state === 'open' && data.can_pay && (
            <button type="button" disabled={busy} onClick={() => void pay(r.id)}>
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
    </div>
  );
}

// Questions and answers for agency admins: add one about a procedure, publish or unpublish.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, type FieldError } from '../api';
import type { Lang, Messages } from '../i18n';
import { useSession } from '../session';
import { ErrorSummary, Field, Link, Notice, fieldError } from '../ui';

interface Entry {
  id: string;
  question: string;
  answer: string;
  question_en: string;
  answer_en: string;
  procedure_code: string;
  field_code: string;
  published: boolean;
}

export function FaqAdmin({ t, lang }: { t: Messages; lang: Lang }) {
  const { me, loaded } = useSession();
  const [items, setItems] = useState<Entry[] | null>(null);
  const [form, setForm] = useState({ question: '', answer: '', procedure_code: '' });
  const [errors, setErrors] = useState<FieldError[] | null>(null);
  const [message, setMessage] = useState('');
  const [notice, setNotice] = useState('');
  const allowed = !!me && (me.roles.includes('agency_admin') || me.roles.includes('sysadmin'));
  const load = useCallback(async () => {
    const r = await api<{ items: Entry[] }>('GET', '/api/v1/admin/faq', undefined, lang);
    setItems(r.ok ? r.data.items : []);
  }, [lang]);
  useEffect(() => {
    if (allowed) void load();
  }, [allowed, load]);
  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!allowed) {
    return (
      <>
        <h1>{t.faqAdminTitle}</h1>
        <p>{t.adminOnly}</p>
      </>
    );
  }
  const save = async (entry: Omit<Entry, 'id'>, id?: string) => {
    const r = await api<Entry>(id ? 'PUT' : 'POST', id ? `/api/v1/admin/faq/${encodeURIComponent(id)}` : '/api/v1/admin/faq', entry, lang);
    if (!r.ok) {
      setErrors(r.problem.errors);
      setMessage(r.problem.detail || t.genericError);
      return false;
    }
    setErrors(null);
    setMessage('');
    await load();
    return true;
  };
  const onAdd = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await save({ ...form, question_en: '', answer_en: '', field_code: '', published: false });
    if (ok) {
      setForm({ question: '', answer: '', procedure_code: '' });
      setNotice(t.faqAdded);
    }
  };
  return (
    <>
      <h1>{t.faqAdminTitle}</h1>
      <p>
        <Link to="/quan-tri/thu-tuc">{t.catalogAdminTitle}</Link>
      </p>
      {errors && <ErrorSummary title={t.genericFailed} message={message} errors={errors}
        fieldIds={{ question: 'faq-question', answer: 'faq-answer', procedure_code: 'faq-procedure' }} />}
      {notice && <Notice>{notice}</Notice>}
      <section aria-labelledby="faq-add-title">
        <h2 id="faq-add-title">{t.faqAddTitle}</h2>
        <form className="form" onSubmit={(e) => void onAdd(e)} noValidate>
          <Field id="faq-procedure" label={t.procedureCode} hint={t.faqProcedureHint} value={form.procedure_code}
            onChange={(v) => setForm({ ...form, procedure_code: v })} error={fieldError(errors ?? undefined, 'procedure_code')} required />
          <Field id="faq-question" label={t.faqQuestion} value={form.question}
            onChange={(v) => setForm({ ...form, question: v })} error={fieldError(errors ?? undefined, 'question')} required />
          <div className="field">
            <label htmlFor="faq-answer">{t.faqAnswer}</label>
            <textarea id="faq-answer" rows={5} value={form.answer} onChange={(e) => setForm({ ...form, answer: e.target.value })}
              aria-invalid={fieldError(errors ?? undefined, 'answer') ? true : undefined} />
          </div>
          <button type="submit">{t.faqAddSubmit}</button>
        </form>
      </section>
      <section aria-labelledby="faq-list-title">
        <h2 id="faq-list-title">{t.faqTitle}</h2>
        {items === null ? (
          <p role="status">{t.loading}</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t.faqQuestion}</th>
                <th scope="col">{t.procedureCode}</th>
                <th scope="col">{t.statusTitle}</th>
                <th scope="col">{t.actions}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((f) => (
                <tr key={f.id} data-testid="faq-row">
                  <td>{f.question}</td>
                  <td className="code">{f.procedure_code || f.field_code}</td>
                  <td>{f.published ? t.faqPublished : t.faqUnpublished}</td>
                  <td>
                    <button type="button" className="secondary small"
                      onClick={() => void save({ ...f, published: !f.published }, f.id).then((ok) => ok && setNotice(f.published ? t.faqUnpublished : t.faqPublished))}>
                      {f.published ? t.faqUnpublish : t.faqPublish}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

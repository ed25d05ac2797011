// The working calendar (lịch làm việc): the public page with the year's holidays, the working
// hours and a deadline calculator; and its administration — holidays and swapped working days
// for system administrators, an agency's own working hours for its administrators.
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, type FieldError, type Problem } from '../api';
import type { Lang, Messages } from '../i18n';
import { useSession } from '../session';
import { ErrorSummary, Field, Link, Notice, fieldError } from '../ui';

/** One entry of GET /api/v1/calendar: a holiday, a swapped working day, or a removed holiday. */
interface Day {
  date: string;
  kind: 'holiday' | 'working_day' | 'normal' | string;
  name: string;
  name_en: string;
  source: string;
  confirmed: boolean;
}

interface Hours {
  morning_start: string;
  morning_end: string;
  afternoon_start: string;
  afternoon_end: string;
}

interface Calendar {
  year: number;
  working_hours: Hours;
  hours_per_working_day: number;
  paper_cut_off: string;
  days: Day[];
}

interface Deadline {
  counting_start: string;
  due_at: string;
  working_minutes: number;
}

interface AgencyHours extends Hours {
  agency: string;
  own: boolean;
}

/** A refused form: which one, the summary, and the errors per field. */
interface FormProblem {
  form: string;
  message: string;
  errors: FieldError[];
}

const pad = (n: number) => String(n).padStart(2, '0');

function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** 2026-02-23 → 23/02/2026 */
function dayMonthYear(date: string): string {
  const [y, m, d] = date.split('-');
  return d && m && y ? `${d}/${m}/${y}` : date;
}

/** An RFC 3339 moment shown in Viet Nam time (UTC+7, no daylight saving): "16:00 thứ Hai, 23/02/2026". */
function formatMoment(value: string, t: Messages): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return value;
  const v = new Date(ms + 7 * 3600 * 1000);
  return t.momentFormat
    .replace('{time}', `${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}`)
    .replace('{weekday}', t.weekdays[v.getUTCDay()])
    .replace('{date}', `${pad(v.getUTCDate())}/${pad(v.getUTCMonth() + 1)}/${v.getUTCFullYear()}`);
}

// Some answers name the field at fault and put the rejected value in its message, with the
// explanation in `detail`; show the explanation next to the field then.
function formProblem(form: string, p: Problem, t: Messages, sent: Record<string, string>): FormProblem {
  const message = p.status === 0 ? t.networkError : p.detail || p.title || t.genericError;
  const errors = p.errors.map((e) => ({
    field: e.field,
    message: e.message && e.message !== sent[e.field] ? e.message : message,
  }));
  return { form, message, errors };
}

function kindName(kind: string, t: Messages): string {
  if (kind === 'holiday') return t.calKindHoliday;
  if (kind === 'working_day') return t.calKindWorkingDay;
  return t.calKindNormal;
}

function yearChoices(): number[] {
  const now = new Date().getFullYear();
  const years: number[] = [];
  for (let y = Math.min(2024, now - 1); y <= Math.max(2027, now + 1); y++) years.push(y);
  return years;
}

function YearSelect({ id, t, year, onChange }: { id: string; t: Messages; year: number; onChange: (y: number) => void }) {
  return (
    <div className="field year">
      <label htmlFor={id}>{t.calYear}</label>
      <select id={id} value={year} onChange={(e) => onChange(Number(e.target.value))}>
        {yearChoices().map((y) => (
          <option key={y} value={y}>
            {y}
          </option>
        ))}
      </select>
    </div>
  );
}

function useCalendar(year: number, lang: Lang) {
  const [calendar, setCalendar] = useState<Calendar | null>(null);
  const [failed, setFailed] = useState('');
  const load = useCallback(async () => {
    const r = await api<Calendar>('GET', `/api/v1/calendar?year=${year}`, undefined, lang);
    if (r.ok) {
      setCalendar(r.data);
      setFailed('');
    } else {
      setCalendar(null);
      setFailed(r.problem.detail || r.problem.title || 'error');
    }
  }, [year, lang]);
  useEffect(() => {
    void load();
  }, [load]);
  return { calendar, failed, reload: load };
}

function Select({ id, label, value, onChange, options, error }: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: [string, string][];
  error?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={id} value={value} onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
      {error && (
        <p id={`${id}-error`} className="error">
          {error}
        </p>
      )}
    </div>
  );
}

/** /lich-lam-viec */
export function WorkCalendar({ t, lang }: { t: Messages; lang: Lang }) {
  const [year, setYear] = useState(() => new Date().getFullYear());
  const { calendar, failed } = useCalendar(year, lang);
  const [form, setForm] = useState({ start: '', amount: '', unit: 'working_days', channel: 'online', agency: '' });
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [result, setResult] = useState<Deadline | null>(null);
  const [busy, setBusy] = useState(false);

  const onCalculate = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    // <input type="datetime-local"> gives local wall time without an offset; the calculator
    // counts in Viet Nam time.
    const start = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(form.start) ? `${form.start}:00+07:00` : form.start;
    const q = new URLSearchParams({ start, amount: form.amount.trim(), unit: form.unit, channel: form.channel });
    if (form.agency.trim()) q.set('agency', form.agency.trim());
    const r = await api<Deadline>('GET', `/api/v1/calendar/deadline?${q.toString()}`, undefined, lang);
    setBusy(false);
    if (!r.ok) {
      setResult(null);
      setProblem(formProblem('deadline', r.problem, t, { start, amount: form.amount.trim(), agency: form.agency.trim() }));
      return;
    }
    setProblem(null);
    setResult(r.data);
  };
  const err = (field: string) => fieldError(problem?.errors, field);
  const hours = calendar?.working_hours;
  const shown = calendar?.days.filter((d) => d.kind !== 'normal') ?? [];

  return (
    <>
      <h1>{t.calTitle}</h1>
      <p className="lead">{t.calLead}</p>
      <section aria-labelledby="cal-hours-title">
        <h2 id="cal-hours-title">{t.calHoursTitle}</h2>
        {hours && calendar ? (
          <>
            <p data-testid="working-hours">
              {t.calHoursText
                .replace('{ms}', hours.morning_start)
                .replace('{me}', hours.morning_end)
                .replace('{as}', hours.afternoon_start)
                .replace('{ae}', hours.afternoon_end)}
            </p>
            <p>{t.calHoursDay.replace('{h}', String(calendar.hours_per_working_day))}</p>
            <p>{t.calPaperCutOff.replace('{time}', calendar.paper_cut_off)}</p>
          </>
        ) : (
          !failed && <p role="status">{t.loading}</p>
        )}
      </section>
      <section aria-labelledby="cal-days-title">
        <h2 id="cal-days-title">{t.calDaysTitle.replace('{year}', String(year))}</h2>
        <YearSelect id="cal-year" t={t} year={year} onChange={setYear} />
        {failed ? (
          <p className="error" role="alert">
            {failed}
          </p>
        ) : !calendar ? (
          <p role="status">{t.loading}</p>
        ) : shown.length === 0 ? (
          <p>{t.calNoDays}</p>
        ) : (
          <>
            {shown.some((d) => !d.confirmed) && <p className="note">{t.calUnconfirmedNote}</p>}
            <DaysTable t={t} lang={lang} days={shown} year={year} />
          </>
        )}
      </section>
      <section aria-labelledby="calc-title">
        <h2 id="calc-title">{t.calcTitle}</h2>
        {problem && (
          <ErrorSummary title={t.genericFailed} message={problem.message} errors={problem.errors}
            fieldIds={{ start: 'calc-start', amount: 'calc-amount', unit: 'calc-unit', channel: 'calc-channel', agency: 'calc-agency' }} />
        )}
        <form className="form" onSubmit={(e) => void onCalculate(e)} noValidate>
          <Field id="calc-start" type="datetime-local" label={t.calcStart} hint={t.calcStartHint} value={form.start}
            onChange={(v) => setForm({ ...form, start: v })} error={err('start')} required />
          <Field id="calc-amount" label={t.calcAmount} hint={t.calcAmountHint} inputMode="numeric" value={form.amount}
            onChange={(v) => setForm({ ...form, amount: v })} error={err('amount')} required />
          <Select id="calc-unit" label={t.calcUnit} value={form.unit} onChange={(v) => setForm({ ...form, unit: v })}
            error={err('unit')}
            options={[['working_days', t.unitWorkingDays], ['working_hours', t.unitWorkingHours], ['days', t.unitDays]]} />
          <Select id="calc-channel" label={t.calcChannel} value={form.channel} onChange={(v) => setForm({ ...form, channel: v })}
            error={err('channel')} options={[['online', t.channelOnline], ['paper', t.channelPaper]]} />
          <Field id="calc-agency" label={t.calcAgency} hint={t.calcAgencyHint} value={form.agency}
            onChange={(v) => setForm({ ...form, agency: v })} error={err('agency')} autoComplete="off" />
          <button type="submit" disabled={busy}>
            {busy ? t.working : t.calcSubmit}
          </button>
        </form>
        <div aria-live="polite" className="calc-result">
          {result && (
            <>
              <h3>{t.calcResultTitle}</h3>
              <dl className="facts" data-testid="deadline-result">
                <div>
                  <dt>{t.calcCountingStart}</dt>
                  <dd data-testid="counting-start">{formatMoment(result.counting_start, t)}</dd>
                </div>
                <div>
                  <dt>{t.calcDue}</dt>
                  <dd data-testid="due-at">
                    <strong>{formatMoment(result.due_at, t)}</strong>
                  </dd>
                </div>
                <div>
                  <dt>{t.calcMinutes}</dt>
                  <dd>{t.calcMinutesValue.replace('{n}', String(result.working_minutes))}</dd>
                </div>
              </dl>
            </>
          )}
        </div>
      </section>
    </>
  );
}

function DaysTable({ t, lang, days, year, actions }: {
  t: Messages;
  lang: Lang;
  days: Day[];
  year: number;
  actions?: (d: Day) => ReactNode;
}) {
  return (
    <table className="table">
      <caption className="visually-hidden">{t.calDaysTitle.replace('{year}', String(year))}</caption>
      <thead>
        <tr>
          <th scope="col">{t.calDate}</th>
          <th scope="col">{t.calWeekday}</th>
          <th scope="col">{t.calKind}</th>
          <th scope="col">{t.calName}</th>
          {actions && <th scope="col">{t.actions}</th>}
        </tr>
      </thead>
      <tbody>
        {days.map((d) => (
          <tr key={d.date} data-testid="calendar-day" data-date={d.date} data-kind={d.kind}>
            <th scope="row">
              <time dateTime={d.date}>{dayMonthYear(d.date)}</time>
            </th>
            <td>{capitalized(t.weekdays[weekdayOf(d.date)])}</td>
            <td>{kindName(d.kind, t)}</td>
            <td>
              {(lang === 'en' && d.name_en) || d.name}
              {!d.confirmed && (
                <>
                  {' '}
                  <span className="unconfirmed">({t.calUnconfirmed})</span>
                </>
              )}
            </td>
            {actions && <td>{actions(d)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** /quan-tri/lich-lam-viec */
export function CalendarAdmin({ t, lang }: { t: Messages; lang: Lang }) {
  const { me, loaded } = useSession();
  const sysadmin = !!me && me.roles.includes('sysadmin');
  const allowed = sysadmin || (!!me && me.roles.includes('agency_admin'));
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [notice, setNotice] = useState<{ form: string; text: string } | null>(null);

  if (!loaded) return <p role="status">{t.loading}</p>;
  if (!allowed) {
    return (
      <>
        <h1>{t.calAdminTitle}</h1>
        <p>
          {t.adminOnly}{' '}
          {!me && <Link to="/dang-nhap?return_to=%2Fquan-tri%2Flich-lam-viec">{t.loginTitle}</Link>}
        </p>
      </>
    );
  }
  const shared = { t, lang, problem, setProblem, notice, setNotice };
  return (
    <>
      <h1>{t.calAdminTitle}</h1>
      <p className="links">
        <Link to="/lich-lam-viec">{t.calTitle}</Link> · <Link to="/quan-tri/thu-tuc">{t.catalogAdminTitle}</Link> ·{' '}
        <Link to="/quan-tri/hoi-dap">{t.faqAdminTitle}</Link>
      </p>
      {sysadmin ? (
        <DaysAdmin {...shared} />
      ) : (
        <section aria-labelledby="days-admin-title">
          <h2 id="days-admin-title">{t.calAdminDaysTitle}</h2>
          <p>{t.calAdminSysadminOnly}</p>
        </section>
      )}
      <HoursAdmin {...shared} initialCode={me?.agency?.code ?? ''} />
    </>
  );
}

interface AdminPartProps {
  t: Messages;
  lang: Lang;
  problem: FormProblem | null;
  setProblem: (p: FormProblem | null) => void;
  notice: { form: string; text: string } | null;
  setNotice: (n: { form: string; text: string } | null) => void;
}

function DaysAdmin({ t, lang, problem, setProblem, notice, setNotice }: AdminPartProps) {
  const [year, setYear] = useState(() => new Date().getFullYear());
  const { calendar, failed, reload } = useCalendar(year, lang);
  const empty = { date: '', kind: 'holiday', name: '', name_en: '' };
  const [form, setForm] = useState(empty);
  const [busy, setBusy] = useState(false);
  const mine = problem?.form === 'day' ? problem : null;
  const err = (field: string) => fieldError(mine?.errors, field);

  const onSave = async (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    if (!form.date) {
      setProblem({ form: 'day', message: t.calAdminDateMissing, errors: [{ field: 'date', message: t.calAdminDateMissing }] });
      return;
    }
    setBusy(true);
    const body = { kind: form.kind, name: form.name.trim(), name_en: form.name_en.trim() };
    const r = await api<Day>('PUT', `/api/v1/admin/calendar/days/${encodeURIComponent(form.date)}`, body, lang);
    setBusy(false);
    if (!r.ok) {
      setProblem(formProblem('day', r.problem, t, { date: form.date, ...body }));
      return;
    }
    setProblem(null);
    const savedYear = Number(form.date.slice(0, 4));
    setForm(empty);
    if (savedYear !== year) setYear(savedYear);
    else await reload();
    setNotice({ form: 'day', text: t.calAdminSaved.replace('{date}', dayMonthYear(form.date)) });
  };

  const onRemove = async (d: Day) => {
    setNotice(null);
    const r = await api('DELETE', `/api/v1/admin/calendar/days/${encodeURIComponent(d.date)}`, undefined, lang);
    if (!r.ok) {
      setProblem(formProblem('day', r.problem, t, { date: d.date }));
      return;
    }
    setProblem(null);
    await reload();
    setNotice({ form: 'day', text: t.calAdminRemoved.replace('{date}', dayMonthYear(d.date)) });
  };

  const onEdit = (d: Day) => {
    setForm({ date: d.date, kind: d.kind === 'working_day' ? 'working_day' : 'holiday', name: d.name, name_en: d.name_en });
    document.getElementById('day-date')?.focus();
  };

  const days = calendar?.days ?? [];
  return (
    <section aria-labelledby="days-admin-title">
      <h2 id="days-admin-title">{t.calAdminDaysTitle}</h2>
      {mine && (
        <ErrorSummary title={t.genericFailed} message={mine.message} errors={mine.errors}
          fieldIds={{ date: 'day-date', kind: 'day-kind', name: 'day-name', name_en: 'day-name-en' }} />
      )}
      {notice?.form === 'day' && <Notice>{notice.text}</Notice>}
      <h3 id="day-form-title">{t.calAdminDayTitle}</h3>
      <form className="form" onSubmit={(e) => void onSave(e)} noValidate aria-labelledby="day-form-title">
        <p className="hint">{t.calAdminDayHint}</p>
        <Field id="day-date" type="date" label={t.calDate} value={form.date} onChange={(v) => setForm({ ...form, date: v })}
          error={err('date')} required />
        <Select id="day-kind" label={t.calKind} value={form.kind} onChange={(v) => setForm({ ...form, kind: v })}
          error={err('kind')} options={[['holiday', t.calKindHoliday], ['working_day', t.calKindWorkingDay]]} />
        <Field id="day-name" label={t.calName} value={form.name} onChange={(v) => setForm({ ...form, name: v })}
          error={err('name')} required />
        <Field id="day-name-en" label={t.calNameEn} value={form.name_en} onChange={(v) => setForm({ ...form, name_en: v })}
          error={err('name_en')} />
        <button type="submit" disabled={busy}>
          {busy ? t.working : t.calAdminSave}
        </button>
      </form>
      <YearSelect id="days-year" t={t} year={year} onChange={setYear} />
      {failed ? (
        <p className="error" role="alert">
          {failed}
        </p>
      ) : !calendar ? (
        <p role="status">{t.loading}</p>
      ) : days.length === 0 ? (
        <p>{t.calNoDays}</p>
      ) : (
        <DaysTable t={t} lang={lang} days={days} year={year}
          actions={(d) => (
            <div className="row-actions">
              <button type="button" className="secondary small" aria-label={t.calAdminEditLabel.replace('{date}', dayMonthYear(d.date))}
                onClick={() => onEdit(d)}>
                {t.calAdminEdit}
              </button>
              {d.kind !== 'normal' && (
                <button type="button" className="secondary small"
                  aria-label={t.calAdminRemoveLabel.replace('{date}', dayMonthYear(d.date))} onClick={() => void onRemove(d)}>
                  {t.calAdminRemove}
                </button>
              )}
            </div>
          )} />
      )}
    </section>
  );
}

function HoursAdmin({ t, lang, problem, setProblem, notice, setNotice, initialCode }: AdminPartProps & { initialCode: string }) {
  const [code, setCode] = useState(initialCode);
  const [hours, setHours] = useState<AgencyHours | null>(null);
  const [form, setForm] = useState<Hours>({ morning_start: '', morning_end: '', afternoon_start: '', afternoon_end: '' });
  const [busy, setBusy] = useState(false);
  const mine = problem?.form === 'hours' ? problem : null;
  const err = (field: string) => fieldError(mine?.errors, field);

  const show = (h: AgencyHours) => {
    setHours(h);
    setForm({ morning_start: h.morning_start, morning_end: h.morning_end, afternoon_start: h.afternoon_start, afternoon_end: h.afternoon_end });
  };
  // A missing agency or one outside the administrator's reach is the agency code's fault.
  const refused = (p: Problem, sent: Record<string, string>) => {
    const fp = formProblem('hours', p, t, sent);
    if (fp.errors.length === 0 && (p.status === 403 || p.status === 404)) fp.errors = [{ field: 'agency', message: fp.message }];
    setProblem(fp);
  };
  const path = (c: string) => `/api/v1/admin/agencies/${encodeURIComponent(c)}/working-hours`;

  const load = useCallback(async (c: string) => {
    const r = await api<AgencyHours>('GET', path(c), undefined, lang);
    if (!r.ok) {
      setHours(null);
      refused(r.problem, { agency: c });
      return;
    }
    show(r.data);
  }, [lang, t]);
  useEffect(() => {
    if (initialCode) void load(initialCode);
  }, [initialCode, load]);

  const onLoad = async (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    const c = code.trim();
    if (!c) {
      setHours(null);
      setProblem({ form: 'hours', message: t.calAgencyMissing, errors: [{ field: 'agency', message: t.calAgencyMissing }] });
      return;
    }
    setProblem(problem?.form === 'hours' ? null : problem);
    await load(c);
  };

  const onSave = async (e: FormEvent) => {
    e.preventDefault();
    if (!hours) return;
    setNotice(null);
    setBusy(true);
    const body = {
      morning_start: form.morning_start.trim(),
      morning_end: form.morning_end.trim(),
      afternoon_start: form.afternoon_start.trim(),
      afternoon_end: form.afternoon_end.trim(),
    };
    const r = await api<AgencyHours>('PUT', path(hours.agency), body, lang);
    setBusy(false);
    if (!r.ok) {
      refused(r.problem, body);
      return;
    }
    setProblem(null);
    show(r.data);
    setNotice({ form: 'hours', text: t.calHoursSaved.replace('{code}', r.data.agency) });
  };

  const onReset = async () => {
    if (!hours) return;
    setNotice(null);
    const r = await api('DELETE', path(hours.agency), undefined, lang);
    if (!r.ok) {
      refused(r.problem, {});
      return;
    }
    setProblem(null);
    await load(hours.agency);
    setNotice({ form: 'hours', text: t.calHoursResetDone.replace('{code}', hours.agency) });
  };

  return (
    <section aria-labelledby="hours-admin-title">
      <h2 id="hours-admin-title">{t.calAdminHoursTitle}</h2>
      {mine && (
        <ErrorSummary title={t.genericFailed} message={mine.message} errors={mine.errors}
          fieldIds={{ agency: 'hours-agency', morning_start: 'hours-morning-start', morning_end: 'hours-morning-end',
            afternoon_start: 'hours-afternoon-start', afternoon_end: 'hours-afternoon-end' }} />
      )}
      {notice?.form === 'hours' && <Notice>{notice.text}</Notice>}
      <form className="form" onSubmit={(e) => void onLoad(e)} noValidate aria-label={t.calAgencyLoad}>
        <Field id="hours-agency" label={t.calAgencyCode} hint={t.calAgencyCodeHint} value={code} onChange={setCode}
          error={err('agency')} autoComplete="off" required />
        <button type="submit" className="secondary">
          {t.calAgencyLoad}
        </button>
      </form>
      {hours && (
        <form className="form" onSubmit={(e) => void onSave(e)} noValidate aria-labelledby="hours-of-title">
          <h3 id="hours-of-title">{t.calHoursOf.replace('{code}', hours.agency)}</h3>
          <p data-testid="hours-own">{hours.own ? t.calHoursOwn : t.calHoursDefault}</p>
          <p className="hint">{t.calTimeHint}</p>
          <Field id="hours-morning-start" label={t.calMorningStart} value={form.morning_start}
            onChange={(v) => setForm({ ...form, morning_start: v })} error={err('morning_start')} required />
          <Field id="hours-morning-end" label={t.calMorningEnd} value={form.morning_end}
            onChange={(v) => setForm({ ...form, morning_end: v })} error={err('morning_end')} required />
          <Field id="hours-afternoon-start" label={t.calAfternoonStart} value={form.afternoon_start}
            onChange={(v) => setForm({ ...form, afternoon_start: v })} error={err('afternoon_start')} required />
          <Field id="hours-afternoon-end" label={t.calAfternoonEnd} value={form.afternoon_end}
            onChange={(v) => setForm({ ...form, afternoon_end: v })} error={err('afternoon_end')} required />
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? t.working : t.calHoursSave}
            </button>
            {hours.own && (
              <button type="button" className="secondary" onClick={() => void onReset()}>
                {t.calHoursReset}
              </button>
            )}
          </div>
        </form>
      )}
    </section>
  );
}

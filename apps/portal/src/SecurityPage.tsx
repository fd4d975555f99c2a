import { useState, type FormEvent } from 'react';
import type { Api } from './api';
import { channelKey, useWords } from './i18n';
import {
  FlashMessage,
  LoadError,
  Loading,
  Screen,
  useErrorText,
  useLoad,
  type Flash,
} from './parts';
import { Link, paths } from './router';
import { CATALOGS, type TextKey } from './texts';
import type { Page, SecurityReport, ServiceStatus, Transaction } from './types';

const CHANNELS = ['IN_APP_CHAT', 'HOTLINE', 'EMAIL', 'SOCIAL_MEDIA'];

/** The customer's OPEN security report, if any (at most one is open at a time). */
export function useOpenReport(api: Api) {
  return useLoad(
    () =>
      api
        .get<Page<SecurityReport>>('/v1/security-reports', { limit: '100' })
        .then((page) => page.data.find((report) => report.status === 'OPEN') ?? null),
    [api],
  );
}

/**
 * "Report a stolen wallet": what happened, the payments the customer did not make, how to reach
 * them; `POST /v1/security-reports`. An OPEN report shows at the top (payouts held), with what to
 * do now; a new report while one is open joins it.
 */
export function SecurityPage(props: { api: Api; status: ServiceStatus | null }) {
  const { api } = props;
  const words = useWords();
  const { t } = words;
  const errorText = useErrorText();
  const reports = useLoad(
    () => api.get<Page<SecurityReport>>('/v1/security-reports', { limit: '100' }),
    [api],
  );
  const payments = useLoad(
    () => api.get<Page<Transaction>>('/v1/transactions', { limit: '100' }),
    [api],
  );
  const [description, setDescription] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [channel, setChannel] = useState('');
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useState<Flash | null>(null);

  const up = (props.status?.channels ?? [])
    .filter((option) => option.available)
    .map((option) => option.id);
  const channels = up.length > 0 ? up : CHANNELS;
  const pickedChannel = channel || channels[0];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFlash(null);
    try {
      await api.post<SecurityReport>('/v1/security-reports', {
        description: description.trim(),
        channel: pickedChannel,
        ...(chosen.length > 0 ? { transactionIds: chosen } : {}),
      });
      setDescription('');
      setChosen([]);
      setFlash({ kind: 'ok', text: t('security.filed') });
      reports.reload();
      payments.reload();
    } catch (caught) {
      setFlash({ kind: 'error', text: errorText(caught) });
    } finally {
      setBusy(false);
    }
  };

  const all = reports.data?.data ?? [];
  const open = all.find((report) => report.status === 'OPEN');
  const earlier = all.filter((report) => report.status !== 'OPEN');

  return (
    <Screen title={t('security.title')}>
      <p>
        <Link href={paths.home()}>{t('app.back')}</Link>
      </p>
      <FlashMessage flash={flash} />
      {reports.error ? (
        <LoadError error={reports.error} retry={reports.reload} />
      ) : !reports.data ? (
        <Loading />
      ) : (
        open && <ReportView report={open} />
      )}

      <p>{t('security.intro')}</p>
      {open && <p className="muted">{t('security.joinNote')}</p>}
      <form className="stack" onSubmit={(event) => void submit(event)}>
        <label htmlFor="security-description">{t('security.description')}</label>
        <textarea
          id="security-description"
          rows={4}
          required
          maxLength={4000}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
        />
        <fieldset>
          <legend>{t('security.payments')}</legend>
          <p className="help">{t('security.paymentsHelp')}</p>
          {payments.error ? (
            <LoadError error={payments.error} retry={payments.reload} />
          ) : !payments.data ? (
            <Loading />
          ) : payments.data.data.length === 0 ? (
            <p>{t('payments.none')}</p>
          ) : (
            payments.data.data.map((payment) => (
              <label key={payment.id} className="choice">
                <input
                  type="checkbox"
                  name="transactionIds"
                  value={payment.id}
                  checked={chosen.includes(payment.id)}
                  onChange={(event) =>
                    setChosen((ids) =>
                      event.target.checked
                        ? [...ids, payment.id]
                        : ids.filter((other) => other !== payment.id),
                    )
                  }
                />
                <span>
                  {payment.description ?? payment.id} · {payment.id} ·{' '}
                  {words.money(payment.amount, payment.currency)} · {words.date(payment.paidAt)}
                </span>
              </label>
            ))
          )}
        </fieldset>
        <fieldset>
          <legend>{t('action.channel')}</legend>
          {channels.map((option) => (
            <label key={option} className="choice">
              <input
                type="radio"
                name="security-channel"
                value={option}
                checked={pickedChannel === option}
                onChange={() => setChannel(option)}
              />
              <span>{t(channelKey(option))}</span>
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={busy}>
          {t('security.submit')}
        </button>
      </form>

      {earlier.map((report) => (
        <ReportView key={report.id} report={report} />
      ))}
    </Screen>
  );
}

/** A report: its status, the payout hold, the payments and refunds, and what to do now. */
function ReportView({ report }: { report: SecurityReport }) {
  const words = useWords();
  const { t } = words;
  const titleId = `report-${report.id}`;
  return (
    <section
      aria-labelledby={titleId}
      className={`report ${report.status.toLowerCase()}`}
      data-report-id={report.id}
    >
      <h2 id={titleId}>{t('security.report')}</h2>
      <p className="status-line">
        <span className={`badge report-${report.status.toLowerCase()}`}>
          {t(`security.status.${report.status}` as TextKey)}
        </span>
      </p>
      <p className="muted">{t('security.filedOn', { date: words.dateTime(report.createdAt) })}</p>
      <p className="hold">
        {report.payoutHold.active
          ? t('security.held')
          : report.payoutHold.releasedAt &&
            t('security.released', { date: words.dateTime(report.payoutHold.releasedAt) })}
      </p>
      {report.transactionIds.length > 0 && (
        <p>{t('security.reported', { ids: report.transactionIds.join(', ') })}</p>
      )}
      {report.refundIds.length > 0 && (
        <ul className="files">
          {report.refundIds.map((refundId, index) => (
            <li key={refundId}>
              <Link href={paths.refund(refundId)}>
                {t('cases.refund')}
                <span className="visually-hidden"> {index + 1}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <h3>{t('security.steps')}</h3>
      <ol className="steps">
        {report.recommendedSteps.map((step) => {
          const key = `step.code.${step.code}`;
          return (
            <li key={step.code} data-code={step.code}>
              {key in CATALOGS.en ? t(key as TextKey) : step.text}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

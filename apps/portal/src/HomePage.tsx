import type { Api } from './api';
import { CasesSection } from './Cases';
import { useWords } from './i18n';
import { LoadError, Loading, Screen, useLoad } from './parts';
import { useOpenReport } from './SecurityPage';
import { Link, paths } from './router';
import type { TextKey } from './texts';
import type { Page, Refund, Transaction } from './types';

/** My payments, with what each can still refund, and my refunds, newest first. */
export function HomePage({ api }: { api: Api }) {
  const words = useWords();
  const { t } = words;
  const payments = useLoad(
    () => api.get<Page<Transaction>>('/v1/transactions', { limit: '100' }),
    [api],
  );
  const refunds = useLoad(() => api.get<Page<Refund>>('/v1/refunds', { limit: '100' }), [api]);
  const openReport = useOpenReport(api);

  return (
    <Screen title={t('payments.title')}>
      {openReport.data ? (
        <p className="quote held">
          {t('security.held')} <Link href={paths.security()}>{t('security.openLink')}</Link>
        </p>
      ) : (
        <p>
          <Link className="button" href={paths.security()}>
            {t('security.link')}
          </Link>
        </p>
      )}
      {payments.error ? (
        <LoadError error={payments.error} retry={payments.reload} />
      ) : !payments.data ? (
        <Loading />
      ) : payments.data.data.length === 0 ? (
        <p>{t('payments.none')}</p>
      ) : (
        <ul className="cards">
          {payments.data.data.map((payment) => (
            <li key={payment.id} className="card">
              <h2 className="card-title">{payment.description ?? payment.id}</h2>
              <p className="amount">{words.money(payment.amount, payment.currency)}</p>
              <p className="muted">
                {payment.id} · {t('payments.paidOn', { date: words.date(payment.paidAt) })}
              </p>
              {payment.refundableAmount > 0 ? (
                <>
                  <p>
                    {t('payments.refundable', {
                      amount: words.money(payment.refundableAmount, payment.currency),
                    })}
                  </p>
                  <Link className="button primary" href={paths.apply(payment.id)}>
                    {t('payments.apply')}
                    <span className="visually-hidden"> · {payment.description ?? payment.id}</span>
                  </Link>
                </>
              ) : (
                <p className="muted">{t('payments.nothingLeft')}</p>
              )}
            </li>
          ))}
        </ul>
      )}

      <h2>{t('refunds.title')}</h2>
      {refunds.error ? (
        <LoadError error={refunds.error} retry={refunds.reload} />
      ) : !refunds.data ? (
        <Loading />
      ) : refunds.data.data.length === 0 ? (
        <p>{t('refunds.none')}</p>
      ) : (
        <ul className="cards">
          {refunds.data.data.map((refund) => (
            <li key={refund.id} className="card">
              <p className="status-line">
                <span className={`badge ${refund.status.toLowerCase()}`}>
                  {t(`status.${refund.status}` as TextKey)}
                </span>
              </p>
              <p className="amount">{words.money(refund.amount, refund.currency)}</p>
              <p className="muted">
                {refund.transactionId} · {words.date(refund.createdAt)}
              </p>
              {refund.offer?.status === 'OPEN' && refund.nextActions.includes('accept-offer') && (
                <p className="quote">
                  {t('offer.waiting', {
                    amount: words.money(refund.offer.amount, refund.currency),
                  })}
                </p>
              )}
              <Link href={paths.refund(refund.id)}>
                {t('refunds.open')}
                <span className="visually-hidden">
                  {' '}
                  · {refund.transactionId} · {words.money(refund.amount, refund.currency)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}

      <CasesSection api={api} />
    </Screen>
  );
}

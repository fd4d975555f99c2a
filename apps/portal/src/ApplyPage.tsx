import { useState, type FormEvent } from 'react';
import { apiPath, type Api } from './api';
import { useWords } from './i18n';
import { minorDigits } from './money';
import { Checklist } from './Checklist';
import {
  FlashMessage,
  LoadError,
  Loading,
  Screen,
  useErrorText,
  useLoad,
  type Flash,
} from './parts';
import { navigate, paths } from './router';
import type { Refund, RefundReason, Transaction } from './types';

/**
 * Apply for a refund of one payment: the reason first, and the chosen reason's evidence
 * checklist shown before anything is sent. The refund starts as a DRAFT; evidence is added and
 * it is submitted on its own page.
 */
export function ApplyPage({ api, transactionId }: { api: Api; transactionId: string }) {
  const words = useWords();
  const { t } = words;
  const errorText = useErrorText();
  const payment = useLoad(
    () => api.get<Transaction>(apiPath`/v1/transactions/${transactionId}`),
    [api, transactionId],
  );
  const reasons = useLoad(() => api.get<RefundReason[]>('/v1/refund-reasons'), [api]);
  const [reasonCode, setReasonCode] = useState('');
  const [amount, setAmount] = useState('');
  const [description, setDescription] = useState('');
  const [flash, setFlash] = useState<Flash | null>(null);
  const [busy, setBusy] = useState(false);

  if (payment.error)
    return (
      <Screen title={t('apply.title')}>
        <LoadError error={payment.error} retry={payment.reload} />
      </Screen>
    );
  if (reasons.error)
    return (
      <Screen title={t('apply.title')}>
        <LoadError error={reasons.error} retry={reasons.reload} />
      </Screen>
    );
  if (!payment.data || !reasons.data)
    return (
      <Screen title={t('apply.title')}>
        <Loading />
      </Screen>
    );
  const paid = payment.data;
  const digits = minorDigits(paid.currency);
  const chosen = reasons.data.find((reason) => reason.code === reasonCode);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFlash(null);
    try {
      const given =
        amount.trim() === ''
          ? paid.refundableAmount / 10 ** digits
          : Number(amount.replace(',', '.'));
      const refund = await api.post<Refund>('/v1/refunds', {
        transactionId: paid.id,
        amount: Math.round(given * 10 ** digits),
        reasonCode,
        ...(description.trim() ? { description: description.trim() } : {}),
      });
      navigate(`${paths.refund(refund.id)}?new=1`);
    } catch (caught) {
      setFlash({ kind: 'error', text: errorText(caught) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Screen title={t('apply.title')}>
      <p>
        {t('apply.payment', {
          id: paid.description ?? paid.id,
          amount: words.money(paid.amount, paid.currency),
        })}
      </p>
      <form onSubmit={(event) => void submit(event)} className="stack">
        <fieldset>
          <legend>{t('apply.reason')}</legend>
          {reasons.data.map((reason) => (
            <label key={reason.code} className="choice">
              <input
                type="radio"
                name="reason"
                value={reason.code}
                checked={reasonCode === reason.code}
                onChange={() => setReasonCode(reason.code)}
                required
              />
              <span>{reason.text}</span>
            </label>
          ))}
        </fieldset>
        {chosen && (
          <section aria-labelledby="checklist-title" className="checklist-box">
            <h2 id="checklist-title">{t('apply.checklist')}</h2>
            <Checklist evidence={chosen.evidence} />
          </section>
        )}
        <label htmlFor="amount">{t('apply.amount', { currency: paid.currency })}</label>
        <input
          id="amount"
          inputMode="decimal"
          value={amount}
          placeholder={String(paid.refundableAmount / 10 ** digits)}
          onChange={(event) => setAmount(event.target.value)}
          aria-describedby="amount-help"
        />
        <p id="amount-help" className="help">
          {t('apply.amountHelp', { amount: words.money(paid.refundableAmount, paid.currency) })}
        </p>
        <label htmlFor="description">{t('apply.description')}</label>
        <textarea
          id="description"
          rows={4}
          maxLength={2000}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
        />
        <FlashMessage flash={flash} />
        <button type="submit" className="primary" disabled={busy || !chosen}>
          {t('apply.submit')}
        </button>
      </form>
    </Screen>
  );
}

import { useState, type FormEvent } from 'react';
import { apiPath, type Api } from './api';
import { useWords } from './i18n';
import { FlashMessage, LoadError, Loading, useErrorText, useLoad, type Flash } from './parts';
import { Link, paths } from './router';
import type { TextKey } from './texts';
import type { Page, SupportCase } from './types';

const SCORES = [1, 2, 3, 4, 5] as const;

/**
 * My support cases (`GET /v1/cases` answers a customer with their own), newest first. A SOLVED or
 * CLOSED case not yet rated asks for 1 to 5 and an optional comment; a rated one shows its rating.
 */
export function CasesSection({ api }: { api: Api }) {
  const words = useWords();
  const { t } = words;
  const cases = useLoad(
    () => api.get<Page<SupportCase>>('/v1/cases', { limit: '100', sort: 'createdAt' }),
    [api],
  );
  return (
    <section aria-labelledby="cases-title">
      <h2 id="cases-title">{t('cases.title')}</h2>
      {cases.error ? (
        <LoadError error={cases.error} retry={cases.reload} />
      ) : !cases.data ? (
        <Loading />
      ) : cases.data.data.length === 0 ? (
        <p>{t('cases.none')}</p>
      ) : (
        <ul className="cards">
          {cases.data.data.map((supportCase) => (
            <li key={supportCase.id} className="card case" data-case-id={supportCase.id}>
              <h3 className="card-title">
                {t(`cases.reason.${supportCase.reason}` as TextKey)}
                {supportCase.subject && <span className="muted"> · {supportCase.subject}</span>}
              </h3>
              <p className="status-line">
                <span className={`badge case-${supportCase.status.toLowerCase()}`}>
                  {t(`cases.status.${supportCase.status}` as TextKey)}
                </span>
              </p>
              <p className="muted">
                {t('cases.opened', { date: words.date(supportCase.createdAt) })}
              </p>
              {supportCase.refundId && (
                <Link href={paths.refund(supportCase.refundId)}>
                  {t('cases.refund')}
                  <span className="visually-hidden">
                    {' '}
                    · {t(`cases.reason.${supportCase.reason}` as TextKey)}
                  </span>
                </Link>
              )}
              {supportCase.rating ? (
                <p className="rating">
                  {t('rating.given', { score: supportCase.rating.score })}
                  {supportCase.rating.comment && <> · “{supportCase.rating.comment}”</>}
                </p>
              ) : (
                (supportCase.status === 'SOLVED' || supportCase.status === 'CLOSED') && (
                  <RatingForm api={api} supportCase={supportCase} onRated={cases.reload} />
                )
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RatingForm(props: { api: Api; supportCase: SupportCase; onRated: () => void }) {
  const { t } = useWords();
  const errorText = useErrorText();
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useState<Flash | null>(null);
  const id = props.supportCase.id;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (score === null) return;
    setBusy(true);
    setFlash(null);
    try {
      await props.api.post(apiPath`/v1/cases/${id}/rating`, {
        score,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      setFlash({ kind: 'ok', text: t('rating.done') });
      props.onRated();
    } catch (caught) {
      setFlash({ kind: 'error', text: errorText(caught) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stack rating-form" onSubmit={(event) => void submit(event)}>
      <fieldset className="stars">
        <legend>
          <strong>{t('rating.title')}</strong> {t('rating.score')}
        </legend>
        {SCORES.map((value) => (
          <label key={value} className="choice">
            <input
              type="radio"
              name={`score-${id}`}
              value={value}
              required
              checked={score === value}
              onChange={() => setScore(value)}
            />
            <span aria-hidden="true">{value}</span>
            <span className="visually-hidden">{t('rating.star', { score: value })}</span>
          </label>
        ))}
      </fieldset>
      <label htmlFor={`comment-${id}`}>{t('rating.comment')}</label>
      <textarea
        id={`comment-${id}`}
        rows={2}
        maxLength={2000}
        value={comment}
        onChange={(event) => setComment(event.target.value)}
      />
      <button type="submit" className="primary" disabled={busy}>
        {t('rating.send')}
      </button>
      <FlashMessage flash={flash} />
    </form>
  );
}

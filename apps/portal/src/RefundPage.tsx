import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { apiPath, type Api } from './api';
import { Checklist } from './Checklist';
import { channelKey, useWords } from './i18n';
import { jpegName, shrinkToJpeg } from './image';
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
import type { TextKey } from './texts';
import type {
  Attachment,
  Refund,
  RefundEvent,
  RefundReason,
  RefundStatus,
  ServiceStatus,
} from './types';

const STEPS = ['DRAFT', 'SUBMITTED', 'REVIEW', 'DECIDED', 'REFUNDED'] as const;

/** Where each status stands on the progress line; the detours sit on the step they branch from. */
const STEP_OF: Record<RefundStatus, number> = {
  DRAFT: 0,
  SUBMITTED: 1,
  UNDER_REVIEW: 2,
  INFO_REQUESTED: 2,
  APPROVED: 3,
  REJECTED: 3,
  DISPUTED: 3,
  PAYOUT_FAILED: 3,
  REFUNDED: 4,
  CANCELLED: -1,
  CLOSED: -1,
  EXPIRED: -1,
};

const WHO_ACTS: Record<RefundStatus, TextKey> = {
  DRAFT: 'who.you',
  SUBMITTED: 'who.merchant',
  UNDER_REVIEW: 'who.merchant',
  INFO_REQUESTED: 'who.you',
  APPROVED: 'who.wallet',
  REJECTED: 'who.you',
  DISPUTED: 'who.support',
  PAYOUT_FAILED: 'who.wallet',
  REFUNDED: 'who.nobody',
  CANCELLED: 'who.nobody',
  CLOSED: 'who.nobody',
  EXPIRED: 'who.nobody',
};

/** Customers add evidence while the refund is theirs to edit or answer, or disputed. */
const CUSTOMER_UPLOADS: RefundStatus[] = ['DRAFT', 'INFO_REQUESTED', 'REJECTED', 'DISPUTED'];
const KINDS = ['PHOTO', 'RECEIPT', 'NEGOTIATION_RECORD', 'OTHER'] as const;

interface Loaded {
  refund: Refund;
  events: RefundEvent[];
  attachments: Attachment[];
  reasons: RefundReason[];
}

export function RefundPage(props: { api: Api; refundId: string; status: ServiceStatus | null }) {
  const { api, refundId } = props;
  const words = useWords();
  const { t } = words;
  const errorText = useErrorText();
  const [flash, setFlash] = useState<Flash | null>(() =>
    new URLSearchParams(window.location.search).has('new')
      ? { kind: 'ok', text: t('apply.created') }
      : null,
  );
  const loaded = useLoad<Loaded>(async () => {
    const [refund, events, attachments, reasons] = await Promise.all([
      api.get<Refund>(apiPath`/v1/refunds/${refundId}`),
      api.get<RefundEvent[] | { data: RefundEvent[] }>(apiPath`/v1/refunds/${refundId}/events`),
      api.get<Attachment[] | { data: Attachment[] }>(apiPath`/v1/refunds/${refundId}/attachments`),
      api.get<RefundReason[]>('/v1/refund-reasons'),
    ]);
    return {
      refund,
      events: Array.isArray(events) ? events : events.data,
      attachments: Array.isArray(attachments) ? attachments : attachments.data,
      reasons,
    };
  }, [api, refundId]);

  const title = loaded.data
    ? t('refund.title', { id: loaded.data.refund.transactionId })
    : t('refunds.title');
  if (loaded.error && !loaded.data) {
    return (
      <Screen title={title}>
        <LoadError error={loaded.error} retry={loaded.reload} />
      </Screen>
    );
  }
  if (!loaded.data) {
    return (
      <Screen title={title}>
        <Loading />
      </Screen>
    );
  }
  const { refund, events, attachments, reasons } = loaded.data;
  const reason = reasons.find((r) => r.code === refund.reasonCode);
  const question = [...events].reverse().find((e) => e.action === 'request-info')?.note;
  const can = (action: string) => refund.nextActions.includes(action);
  /** An open offer waits for the customer's answer: they act now, on the offer. */
  const offerOpen =
    refund.offer?.status === 'OPEN' && (can('accept-offer') || can('decline-offer'));

  /** Runs an action; on success says so and shows the refund as it is now. */
  const run = async (action: string, body: unknown, done: string): Promise<boolean> => {
    setFlash(null);
    try {
      await api.post(apiPath`/v1/refunds/${refund.id}/${action}`, body, refund.version);
      setFlash({ kind: 'ok', text: done });
      loaded.reload();
      return true;
    } catch (caught) {
      setFlash({ kind: 'error', text: errorText(caught) });
      loaded.reload();
      return false;
    }
  };

  const evidenceMet = (() => {
    switch (reason?.evidence) {
      case 'PHOTO':
        return attachments.some((file) => file.kind === 'PHOTO');
      case 'ATTACHMENT':
        return attachments.length > 0;
      case 'DESCRIPTION':
        return (refund.description?.trim().length ?? 0) >= 20;
      case null:
      case undefined:
        return true;
    }
  })();

  return (
    <Screen title={title}>
      <p>
        <Link href={paths.home()}>{t('app.back')}</Link>
      </p>
      <FlashMessage flash={flash} />
      <ProgressLine status={refund.status} />

      <dl className="facts">
        <Fact label={t('refund.where')}>
          <span className={`badge ${refund.status.toLowerCase()}`}>
            {t(`status.${refund.status}` as TextKey)}
          </span>
        </Fact>
        <Fact label={t('refund.next')}>
          {offerOpen ? t('next.offer') : t(`next.${refund.status}` as TextKey)}
        </Fact>
        <Fact label={t('who.label')}>{t(offerOpen ? 'who.you' : WHO_ACTS[refund.status])}</Fact>
        <Deadline refund={refund} />
        <Fact label={t('refund.amount')}>{words.money(refund.amount, refund.currency)}</Fact>
        <Fact label={t('refund.reason')}>{reason?.text ?? refund.reasonCode}</Fact>
      </dl>
      {refund.decisionReason && refund.status !== 'APPROVED' && (
        <p className="quote">{t('refund.decision', { reason: refund.decisionReason })}</p>
      )}
      {refund.status === 'INFO_REQUESTED' && question && (
        <p className="quote">{t('refund.question', { question })}</p>
      )}

      {refund.payoutHeld && (
        <p className="quote held">
          {t('refund.payoutHeld')} <Link href={paths.security()}>{t('security.openLink')}</Link>
        </p>
      )}

      {offerOpen && (
        <OfferBox
          refund={refund}
          canAccept={can('accept-offer')}
          canDecline={can('decline-offer')}
          onAccept={() =>
            run(
              'accept-offer',
              {},
              t('action.done.accept-offer', {
                amount: words.money(refund.offer!.amount, refund.currency),
              }),
            )
          }
          onDecline={() => run('decline-offer', {}, t('action.done.decline-offer'))}
        />
      )}

      {refund.status === 'DRAFT' && reason && (
        <section aria-labelledby="checklist-title" className="checklist-box">
          <h2 id="checklist-title">{t('apply.checklist')}</h2>
          <Checklist evidence={reason.evidence} met={evidenceMet} />
        </section>
      )}

      {CUSTOMER_UPLOADS.includes(refund.status) && (
        <Upload
          api={api}
          refund={refund}
          onFlash={(next) => {
            setFlash(next);
            loaded.reload();
          }}
        />
      )}

      <div className="actions">
        {can('submit') && (
          <button
            type="button"
            className="primary"
            onClick={() => void run('submit', {}, t('action.done.submit'))}
          >
            {t('action.submit')}
          </button>
        )}
        {can('provide-info') && (
          <TextAction
            summary={t('action.answer')}
            label={t('action.answerLabel')}
            onSend={(answer) => run('provide-info', { answer }, t('action.done.provide-info'))}
          />
        )}
        {can('dispute') && (
          <DisputeForm onSend={(body) => run('dispute', body, t('action.done.dispute'))} />
        )}
        {can('escalate') && (
          <EscalateForm
            api={api}
            refund={refund}
            status={props.status}
            onFlash={(next) => {
              setFlash(next);
              loaded.reload();
            }}
          />
        )}
        {can('cancel') && (
          <details className="action">
            <summary>{t('action.cancel')}</summary>
            <button
              type="button"
              className="danger"
              onClick={() => void run('cancel', {}, t('action.done.cancel'))}
            >
              {t('action.cancelConfirm')}
            </button>
          </details>
        )}
      </div>

      <h2>{t('refund.files')}</h2>
      {attachments.length === 0 ? (
        <p className="muted">{t('refund.noFiles')}</p>
      ) : (
        <ul className="files">
          {attachments.map((file) => (
            <li key={file.id}>
              {file.fileName} · {t(`upload.kind.${file.kind}` as TextKey)}
            </li>
          ))}
        </ul>
      )}

      <h2>{t('refund.timeline')}</h2>
      <ol className="timeline">
        {events.map((event) => (
          <li key={event.id}>
            <time dateTime={event.createdAt}>{words.dateTime(event.createdAt)}</time>
            <p>
              <strong>{t(actorKey(event.actor.role))}</strong> {t(eventKey(event.action))}
            </p>
            {event.note && <p className="note">“{event.note}”</p>}
          </li>
        ))}
      </ol>
    </Screen>
  );
}

function actorKey(role: string): TextKey {
  return ['customer', 'merchant', 'agent', 'system'].includes(role)
    ? (`actor.${role}` as TextKey)
    : 'actor.system';
}

function eventKey(action: string): TextKey {
  const key = `event.${action}`;
  return key in EVENT_KEYS ? (key as TextKey) : 'event.other';
}
const EVENT_KEYS = Object.fromEntries(
  [
    'apply',
    'edit',
    'submit',
    'start-review',
    'request-info',
    'provide-info',
    'approve',
    'reject',
    'cancel',
    'dispute',
    'withdraw-dispute',
    'resolve-dispute',
    'payout',
    'retry-payout',
    'expire',
    'escalate',
    'merchant-response',
    'offer',
    'accept-offer',
    'decline-offer',
    'withdraw-offer',
    'expire-offer',
  ].map((action) => [`event.${action}`, true]),
);

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** applied → submitted → in review → decided → refunded; the current step is marked in words too. */
function ProgressLine({ status }: { status: RefundStatus }) {
  const { t } = useWords();
  const current = STEP_OF[status];
  if (current < 0) return null;
  return (
    <ol className="progress">
      {STEPS.map((step, index) => {
        const state = index < current ? 'done' : index === current ? 'current' : 'todo';
        return (
          <li key={step} className={state} aria-current={state === 'current' ? 'step' : undefined}>
            <span className="dot" aria-hidden="true" />
            <span>{t(`step.${step}` as TextKey)}</span>
            {state !== 'todo' && (
              <span className="visually-hidden">
                {' '}
                ({state === 'current' ? t('step.current') : t('step.done')})
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/** The deadline that matters now, as a date in BUSINESS_TIMEZONE and in business days left. */
function Deadline({ refund }: { refund: Refund }) {
  const words = useWords();
  const { t } = words;
  let text: string | null = null;
  if (refund.reviewBusinessDaysLeft !== null && refund.reviewDueAt) {
    text = `${t('refund.reviewDue', { date: words.date(refund.reviewDueAt) })} · ${words.daysLeft(refund.reviewBusinessDaysLeft)}`;
  } else if (refund.status === 'REJECTED' && refund.disputeDeadlineAt) {
    text = t('refund.disputeBy', { date: words.dateTime(refund.disputeDeadlineAt) });
  } else if (refund.status === 'DISPUTED' && refund.merchantResponseDueAt) {
    text = t('refund.merchantBy', { date: words.date(refund.merchantResponseDueAt) });
  }
  if (!text) return null;
  return <Fact label={t('refund.deadline')}>{text}</Fact>;
}

/**
 * The open settlement offer: the amount in the language's money format, the offerer's message and
 * until when it stands. Accepting asks first (it approves the refund for less than asked); both
 * answers send If-Match with the version shown, so a changed offer is refused (412), not accepted.
 */
function OfferBox(props: {
  refund: Refund;
  canAccept: boolean;
  canDecline: boolean;
  onAccept: () => Promise<boolean>;
  onDecline: () => Promise<boolean>;
}) {
  const words = useWords();
  const { t } = words;
  const offer = props.refund.offer!;
  const amount = words.money(offer.amount, props.refund.currency);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const question = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (confirming) question.current?.focus();
  }, [confirming]);
  const answer = async (send: () => Promise<boolean>) => {
    setBusy(true);
    await send();
    setBusy(false);
    setConfirming(false);
  };
  return (
    <section aria-labelledby="offer-title" className="offer">
      <h2 id="offer-title">{t('offer.title')}</h2>
      <p>
        {t('offer.intro', {
          requested: words.money(props.refund.requestedAmount, props.refund.currency),
          amount,
        })}
      </p>
      <dl className="facts">
        <Fact label={t('offer.amount')}>
          <span className="amount">{amount}</span>
        </Fact>
        {offer.message && <Fact label={t('offer.message')}>“{offer.message}”</Fact>}
        <Fact label={t('offer.expires')}>
          <time dateTime={offer.expiresAt}>{words.dateTime(offer.expiresAt)}</time>
        </Fact>
      </dl>
      {confirming ? (
        <div role="group" aria-labelledby="offer-confirm" className="confirm">
          <p id="offer-confirm" ref={question} tabIndex={-1}>
            {t('offer.confirm', { amount })}
          </p>
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => void answer(props.onAccept)}
            >
              {t('offer.confirmYes', { amount })}
            </button>
            <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
              {t('offer.confirmNo')}
            </button>
          </div>
        </div>
      ) : (
        <div className="actions">
          {props.canAccept && (
            <button type="button" className="primary" onClick={() => setConfirming(true)}>
              {t('offer.accept')}
            </button>
          )}
          {props.canDecline && (
            <button type="button" disabled={busy} onClick={() => void answer(props.onDecline)}>
              {t('offer.decline')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function TextAction(props: {
  summary: string;
  label: string;
  onSend: (text: string) => Promise<boolean>;
}) {
  const { t } = useWords();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const id = `text-${props.summary.length}`;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    if (await props.onSend(text.trim())) setText('');
    setBusy(false);
  };
  return (
    <details className="action" open>
      <summary>{props.summary}</summary>
      <form onSubmit={(event) => void submit(event)} className="stack">
        <label htmlFor={id}>{props.label}</label>
        <textarea
          id={id}
          rows={4}
          required
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="primary" disabled={busy}>
          {t('action.send')}
        </button>
      </form>
    </details>
  );
}

interface RecordRow {
  at: string;
  channel: string;
  summary: string;
}

function DisputeForm({ onSend }: { onSend: (body: unknown) => Promise<boolean> }) {
  const { t } = useWords();
  const [statement, setStatement] = useState('');
  const [records, setRecords] = useState<RecordRow[]>([{ at: '', channel: '', summary: '' }]);
  const [busy, setBusy] = useState(false);
  const change = (index: number, field: keyof RecordRow, value: string) =>
    setRecords((rows) => rows.map((row, i) => (i === index ? { ...row, [field]: value } : row)));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const negotiationRecords = records
      .filter((row) => row.at || row.channel.trim() || row.summary.trim())
      .map((row) => ({
        at: row.at ? new Date(row.at).toISOString() : '',
        channel: row.channel.trim(),
        summary: row.summary.trim(),
      }));
    await onSend({
      statement: statement.trim(),
      ...(negotiationRecords.length > 0 ? { negotiationRecords } : {}),
    });
    setBusy(false);
  };
  return (
    <details className="action" open>
      <summary>{t('action.dispute')}</summary>
      <form onSubmit={(event) => void submit(event)} className="stack">
        <label htmlFor="statement">{t('action.statement')}</label>
        <textarea
          id="statement"
          rows={4}
          required
          value={statement}
          onChange={(event) => setStatement(event.target.value)}
        />
        <fieldset>
          <legend>{t('action.records')}</legend>
          <p className="help">{t('action.recordsHelp')}</p>
          {records.map((row, index) => (
            <div key={index} className="record">
              <label htmlFor={`record-at-${index}`}>{t('action.recordAt')}</label>
              <input
                id={`record-at-${index}`}
                type="datetime-local"
                value={row.at}
                onChange={(event) => change(index, 'at', event.target.value)}
              />
              <label htmlFor={`record-channel-${index}`}>{t('action.recordChannel')}</label>
              <input
                id={`record-channel-${index}`}
                value={row.channel}
                maxLength={100}
                onChange={(event) => change(index, 'channel', event.target.value)}
              />
              <label htmlFor={`record-summary-${index}`}>{t('action.recordSummary')}</label>
              <textarea
                id={`record-summary-${index}`}
                rows={2}
                maxLength={2000}
                value={row.summary}
                onChange={(event) => change(index, 'summary', event.target.value)}
              />
            </div>
          ))}
          <button
            type="button"
            onClick={() => setRecords((rows) => [...rows, { at: '', channel: '', summary: '' }])}
          >
            {t('action.addRecord')}
          </button>
        </fieldset>
        <button type="submit" className="primary" disabled={busy}>
          {t('action.send')}
        </button>
      </form>
    </details>
  );
}

/** Escalate through a channel that is up now (GET /v1/status names them). */
function EscalateForm(props: {
  api: Api;
  refund: Refund;
  status: ServiceStatus | null;
  onFlash: (flash: Flash) => void;
}) {
  const { t } = useWords();
  const errorText = useErrorText();
  const available = (props.status?.channels ?? []).filter((channel) => channel.available);
  const [message, setMessage] = useState('');
  const [channel, setChannel] = useState('');
  const [busy, setBusy] = useState(false);
  const chosen = channel || available[0]?.id || '';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const opened = await props.api.post<{ channel: string }>(
        apiPath`/v1/refunds/${props.refund.id}/escalate`,
        { message: message.trim(), channel: chosen },
      );
      setMessage('');
      props.onFlash({
        kind: 'ok',
        text: t('action.done.escalate', { channel: t(channelKey(opened.channel)) }),
      });
    } catch (caught) {
      props.onFlash({ kind: 'error', text: errorText(caught) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="action">
      <summary>{t('action.escalate')}</summary>
      {available.length === 0 ? (
        <p>{t('action.noChannel')}</p>
      ) : (
        <form onSubmit={(event) => void submit(event)} className="stack">
          <fieldset>
            <legend>{t('action.channel')}</legend>
            {available.map((option) => (
              <label key={option.id} className="choice">
                <input
                  type="radio"
                  name="channel"
                  value={option.id}
                  checked={chosen === option.id}
                  onChange={() => setChannel(option.id)}
                />
                <span>{t(channelKey(option.id))}</span>
              </label>
            ))}
          </fieldset>
          <label htmlFor="escalate-message">{t('action.escalateMessage')}</label>
          <textarea
            id="escalate-message"
            rows={3}
            required
            value={message}
            onChange={(event) => setMessage(event.target.value)}
          />
          <button type="submit" className="primary" disabled={busy}>
            {t('action.send')}
          </button>
        </form>
      )}
    </details>
  );
}

/** Evidence from the camera or files; photos are shrunk to JPEG in the browser first. */
function Upload(props: { api: Api; refund: Refund; onFlash: (flash: Flash) => void }) {
  const { t } = useWords();
  const errorText = useErrorText();
  const [kind, setKind] = useState<(typeof KINDS)[number]>('PHOTO');
  const [progress, setProgress] = useState<string | null>(null);

  const send = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      let body: Blob = file;
      let name = file.name || 'photo.jpg';
      if (file.type.startsWith('image/') || /\.(heic|heif)$/i.test(name)) {
        const jpeg = await shrinkToJpeg(file);
        if (!jpeg) {
          props.onFlash({ kind: 'error', text: t('upload.unreadable', { name }) });
          continue;
        }
        body = jpeg;
        name = jpegName(name);
      }
      setProgress(t('upload.sending', { name }));
      try {
        await props.api.upload(
          apiPath`/v1/refunds/${props.refund.id}/attachments`,
          body,
          name,
          kind,
        );
        props.onFlash({ kind: 'ok', text: t('upload.done', { name }) });
      } catch (caught) {
        props.onFlash({ kind: 'error', text: errorText(caught) });
      } finally {
        setProgress(null);
      }
    }
  };

  return (
    <section aria-labelledby="upload-title" className="upload">
      <h2 id="upload-title">{t('upload.title')}</h2>
      <label htmlFor="kind">{t('upload.kind')}</label>
      <select
        id="kind"
        value={kind}
        onChange={(event) => setKind(event.target.value as (typeof KINDS)[number])}
      >
        {KINDS.map((option) => (
          <option key={option} value={option}>
            {t(`upload.kind.${option}` as TextKey)}
          </option>
        ))}
      </select>
      <div className="upload-buttons">
        <label className="button">
          {t('upload.camera')}
          <input
            type="file"
            accept="image/*"
            capture="environment"
            className="visually-hidden"
            onChange={(event) => {
              void send(event.target.files);
              event.target.value = '';
            }}
          />
        </label>
        <label className="button">
          {t('upload.files')}
          <input
            type="file"
            accept="image/*,.heic,.heif,application/pdf,text/plain"
            multiple
            className="visually-hidden"
            onChange={(event) => {
              void send(event.target.files);
              event.target.value = '';
            }}
          />
        </label>
      </div>
      {progress && <p role="status">{progress}</p>}
    </section>
  );
}

import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, apiPath } from './api';
import { formatActor, formatBytes, formatMoney, formatTime, humanize } from './format';
import { Link, paths } from './router';
import { useSession } from './session';
import type { Attachment, NegotiationRecord, Refund, RefundEvent } from './types';

export interface RefundData {
  refund: Refund;
  events: RefundEvent[];
  attachments: Attachment[];
}

/** A refund with its timeline and evidence; `reload` fetches all three again. */
export function useRefundData(id: string | null) {
  const { api } = useSession();
  const [data, setData] = useState<RefundData | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Only the latest reload's answer applies (a poll must not undo what an action showed).
  const latest = useRef(0);
  const reload = useCallback(async () => {
    if (!id) return;
    const mine = ++latest.current;
    try {
      const [refund, events, attachments] = await Promise.all([
        api.get<Refund>(apiPath`/v1/refunds/${id}`),
        api.get<RefundEvent[]>(apiPath`/v1/refunds/${id}/events`),
        api.get<Attachment[]>(apiPath`/v1/refunds/${id}/attachments`),
      ]);
      if (mine !== latest.current) return;
      setData({ refund, events, attachments });
      setError(null);
    } catch (caught) {
      if (mine !== latest.current) return;
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  }, [api, id]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload };
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`status s-${status.toLowerCase()}`}>{humanize(status)}</span>;
}

/** Payment, amount, reason, status and every deadline of a refund. */
export function RefundSummary({ refund }: { refund: Refund }) {
  // [term, value, wide?]: wide rows take the panel's whole width.
  const rows: [string, ReactNode, boolean?][] = [
    ['Status', <StatusBadge key="s" status={refund.status} />],
    [
      'Amount',
      <span key="a" className="nowrap">
        {formatMoney(refund.amount, refund.currency)}
      </span>,
    ],
    ['Payment', <code key="p">{refund.transactionId}</code>],
    ['Reason', humanize(refund.reasonCode)],
    ['Customer', refund.customerId],
    ['Merchant', refund.merchantId],
    ['Description', refund.description ?? '—', true],
    ['Submitted', formatTime(refund.submittedAt)],
    ['Review due', formatTime(refund.reviewDueAt)],
    ['Decided', formatTime(refund.decidedAt)],
  ];
  if (refund.disputeDeadlineAt)
    rows.push(['Dispute window ends', formatTime(refund.disputeDeadlineAt)]);
  if (refund.merchantResponseDueAt) {
    rows.push(['Merchant answer due', formatTime(refund.merchantResponseDueAt)]);
  }
  if (refund.requestedAmount !== refund.amount) {
    rows.push(['Requested', formatMoney(refund.requestedAmount, refund.currency)]);
  }
  if (refund.offer) rows.push(['Settlement offer', <OfferFact key="o" refund={refund} />, true]);
  if (refund.refundedAt) rows.push(['Refunded', formatTime(refund.refundedAt)]);
  if (refund.payoutReference) rows.push(['Payout reference', refund.payoutReference]);
  if (refund.decisionReason) rows.push(['Decision reason', refund.decisionReason, true]);
  if (refund.payoutFailureReason) rows.push(['Payout failure', refund.payoutFailureReason, true]);
  if (refund.payoutHeld) {
    rows.push(['Payouts', "Held: the customer's security report is open", true]);
  }
  rows.push(
    ['Refund id', <code key="i">{refund.id}</code>, true],
    ['Version', String(refund.version)],
  );
  return (
    <dl className="facts">
      {rows.map(([term, value, wide]) => (
        <div key={term} className={wide ? 'wide' : undefined}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The latest offer: amount, who made it, where it stands, and its message. */
function OfferFact({ refund }: { refund: Refund }) {
  const offer = refund.offer!;
  const open = offer.status === 'OPEN' && Date.parse(offer.expiresAt) > Date.now();
  return (
    <span className="offer">
      <span className="nowrap">{formatMoney(offer.amount, refund.currency)}</span> by{' '}
      {formatActor(offer.madeBy)}, {formatTime(offer.madeAt)} ·{' '}
      <strong>
        {open
          ? `Open until ${formatTime(offer.expiresAt)}`
          : humanize(offer.status === 'OPEN' ? 'EXPIRED' : offer.status)}
      </strong>
      <br />
      <q>{offer.message}</q>
    </span>
  );
}

/** The customer's dispute statement and negotiation records, and the merchant's answers. */
export function DisputeRecords({ data }: { data: RefundData }) {
  const statements = data.events.filter(
    (event) => event.action === 'dispute' || event.action === 'merchant-response',
  );
  if (statements.length === 0) return null;
  const fileName = (id: string) => data.attachments.find((a) => a.id === id)?.fileName ?? id;
  return (
    <section aria-labelledby="dispute-title">
      <h2 id="dispute-title">Dispute</h2>
      {statements.map((event) => (
        <article key={event.id} className="statement">
          <h3>
            {event.action === 'dispute' ? "Customer's statement" : "Merchant's response"}{' '}
            <span className="muted">
              {formatActor(event.actor)}, {formatTime(event.createdAt)}
            </span>
          </h3>
          <p className="body">{event.note}</p>
          {event.details?.negotiationRecords && event.details.negotiationRecords.length > 0 && (
            <NegotiationTable records={event.details.negotiationRecords} fileName={fileName} />
          )}
        </article>
      ))}
    </section>
  );
}

export function NegotiationTable(props: {
  records: NegotiationRecord[];
  fileName: (id: string) => string;
}) {
  return (
    <table className="records">
      <caption>Negotiation records with the merchant</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Channel</th>
          <th scope="col">Summary</th>
          <th scope="col">Files</th>
        </tr>
      </thead>
      <tbody>
        {props.records.map((record, index) => (
          <tr key={index}>
            <td>{formatTime(record.at)}</td>
            <td>{humanize(record.channel)}</td>
            <td>{record.summary}</td>
            <td>{(record.attachmentIds ?? []).map(props.fileName).join(', ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const PREVIEWABLE = ['image/png', 'image/jpeg', 'application/pdf'];

/** Evidence: images and PDFs previewed inline, every file downloadable. */
export function Evidence({ attachments }: { attachments: Attachment[] }) {
  return (
    <section aria-labelledby="evidence-title">
      <h2 id="evidence-title">Evidence ({attachments.length})</h2>
      {attachments.length === 0 && <p className="muted">No files attached.</p>}
      <ul className="evidence">
        {attachments.map((attachment) => (
          <EvidenceItem key={attachment.id} attachment={attachment} />
        ))}
      </ul>
    </section>
  );
}

function EvidenceItem({ attachment }: { attachment: Attachment }) {
  const { api } = useSession();
  const [url, setUrl] = useState<string | null>(null);
  const [zoomed, setZoomed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const path = apiPath`/v1/refunds/${attachment.refundId}/attachments/${attachment.id}`;
  const previewable = PREVIEWABLE.includes(attachment.contentType);

  useEffect(() => {
    if (!previewable) return;
    let objectUrl: string | null = null;
    let cancelled = false;
    api.blob(path).then(
      (blob) => {
        if (cancelled) return;
        // The stored type, not the response's: the bytes were checked on upload.
        objectUrl = URL.createObjectURL(new Blob([blob], { type: attachment.contentType }));
        setUrl(objectUrl);
      },
      (caught: unknown) => setError(caught instanceof ApiError ? caught.message : String(caught)),
    );
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [api, path, previewable, attachment.contentType]);

  const download = async () => {
    try {
      const blob = await api.blob(path);
      const objectUrl = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = objectUrl;
      link.download = attachment.fileName;
      link.click();
      window.setTimeout(() => URL.revokeObjectURL(objectUrl), 10_000);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  };

  return (
    <li className="evidence-item">
      <div className="evidence-head">
        <strong>{attachment.fileName}</strong>
        <span className="muted">
          {humanize(attachment.kind)} · {formatBytes(attachment.size)} · from{' '}
          {formatActor(attachment.uploadedBy)} · {formatTime(attachment.createdAt)}
        </span>
        <button type="button" onClick={() => void download()}>
          Download<span className="visually-hidden"> {attachment.fileName}</span>
        </button>
      </div>
      {error && <p className="banner error">{error}</p>}
      {previewable && !url && !error && <div className="preview placeholder">Loading preview…</div>}
      {url && attachment.contentType.startsWith('image/') && (
        <button
          type="button"
          className={zoomed ? 'zoom zoomed' : 'zoom'}
          aria-pressed={zoomed}
          aria-label={`${zoomed ? 'Fit' : 'Zoom into'} ${attachment.fileName}`}
          onClick={() => setZoomed((z) => !z)}
        >
          <img className="preview" src={url} alt={`Evidence: ${attachment.fileName}`} />
        </button>
      )}
      {url && attachment.contentType === 'application/pdf' && (
        <>
          <iframe
            className={zoomed ? 'preview pdf tall' : 'preview pdf'}
            src={`${url}#view=FitH`}
            title={`PDF preview: ${attachment.fileName}`}
          />
          <button type="button" aria-pressed={zoomed} onClick={() => setZoomed((z) => !z)}>
            {zoomed ? 'Smaller preview' : 'Taller preview'}
            <span className="visually-hidden"> of {attachment.fileName}</span>
          </button>
        </>
      )}
    </li>
  );
}

/** Every action on the refund, oldest first. */
export function Timeline({
  events,
  notesElsewhere = [],
}: {
  events: RefundEvent[];
  /** Actions whose notes the page shows elsewhere (a case's conversation): said once. */
  notesElsewhere?: string[];
}) {
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ol className="timeline">
        {events.map((event) => (
          <li key={event.id}>
            <span className="when">{formatTime(event.createdAt)}</span>{' '}
            <strong>{humanize(event.action)}</strong>
            {event.fromStatus !== event.toStatus && event.toStatus && (
              <span>
                {' '}
                {event.fromStatus ? humanize(event.fromStatus) : '—'} → {humanize(event.toStatus)}
              </span>
            )}{' '}
            <span className="muted">by {formatActor(event.actor)}</span>
            {event.note && notesElsewhere.includes(event.action) ? (
              <span className="muted"> (its text is in the conversation)</span>
            ) : (
              event.note && <p className="body">{event.note}</p>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function CaseLink({ id, label }: { id: string; label?: string }) {
  return <Link href={paths.case(id)}>{label ?? `Case ${id.slice(0, 8)}`}</Link>;
}

import { useEffect, useState } from 'react';
import { ApiError } from './api';
import { formatTime, humanize } from './format';
import { NoticeBanner, type Notice } from './Notice';
import { RefundActions } from './refund-actions';
import { DisputeRecords, Evidence, RefundSummary, Timeline, useRefundData } from './refund-parts';
import { Link, paths } from './router';
import { useSession } from './session';
import type { Page, SupportCase } from './types';

/** A refund found by id or payment id: its details, actions and cases. */
export function RefundPage({ id }: { id: string }) {
  const { api } = useSession();
  const refund = useRefundData(id);
  const [cases, setCases] = useState<SupportCase[] | null>(null);
  const [casesError, setCasesError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  useEffect(() => {
    api.get<Page<SupportCase>>('/v1/cases', { refundId: id, limit: 100 }).then(
      (page) => setCases(page.data),
      (caught: unknown) =>
        setCasesError(caught instanceof ApiError ? caught.message : String(caught)),
    );
  }, [api, id]);

  if (refund.error && !refund.data) {
    return (
      <>
        <h1>Refund {id}</h1>
        <p className="banner error" role="alert">
          {refund.error}
        </p>
      </>
    );
  }
  if (!refund.data) return <p className="muted">Loading the refund…</p>;
  const data = refund.data;

  return (
    <>
      <div className="page-head">
        <h1>
          Refund · {data.refund.customerId} · <code>{data.refund.transactionId}</code>
        </h1>
        <button type="button" onClick={() => void refund.reload()}>
          Reload
        </button>
      </div>
      <NoticeBanner notice={notice} />
      <div className="columns">
        <div className="column">
          <section aria-labelledby="refund-title" className="panel">
            <h2 id="refund-title">Refund</h2>
            {refund.error && (
              <p className="banner error" role="alert">
                The refund could not be reloaded: {refund.error}
              </p>
            )}
            <RefundSummary refund={data.refund} />
            <RefundActions
              refund={data.refund}
              onDone={(updated) => {
                setNotice({
                  kind: 'ok',
                  text: `Done: the refund is now ${humanize(updated.status)}.`,
                });
                void refund.reload();
              }}
              onRefused={(message) => {
                setNotice({ kind: 'error', text: message });
                void refund.reload();
              }}
            />
          </section>
          <DisputeRecords data={data} />
          <Evidence attachments={data.attachments} />
        </div>
        <div className="column">
          <section aria-labelledby="cases-title">
            <h2 id="cases-title">Support cases</h2>
            {casesError && <p className="banner error">{casesError}</p>}
            {cases?.length === 0 && <p className="muted">This refund has no support case.</p>}
            <ul className="plain">
              {cases?.map((c) => (
                <li key={c.id}>
                  <Link href={paths.case(c.id)}>
                    {humanize(c.reason)} case, {humanize(c.status).toLowerCase()}
                  </Link>{' '}
                  <span className="muted">
                    {humanize(c.priority)} · opened {formatTime(c.createdAt)}
                  </span>
                </li>
              ))}
            </ul>
          </section>
          <Timeline events={data.events} />
        </div>
      </div>
    </>
  );
}

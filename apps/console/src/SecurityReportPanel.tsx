import { useCallback, useEffect, useState } from 'react';
import { ApiError, apiPath, isTemporary } from './api';
import { ConfirmDialog } from './ActionDialog';
import { formatActor, formatMoney, formatTime, humanize } from './format';
import { StatusBadge } from './refund-parts';
import { Link, paths } from './router';
import { useSession } from './session';
import type { Refund, SecurityReport, Transaction } from './types';

interface ReportData {
  report: SecurityReport;
  payments: Transaction[];
  refunds: Refund[];
}

/**
 * A stolen-wallet case's subject: the security report, the payments it lists, the refund
 * requests it filed, and the payout hold with its Release action (after a confirmation).
 */
export function SecurityReportPanel(props: {
  id: string;
  onReleased: (text: string) => void;
  onRefused: (text: string) => void;
}) {
  const { api } = useSession();
  const [data, setData] = useState<ReportData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');

  const reload = useCallback(async () => {
    try {
      const report = await api.get<SecurityReport>(apiPath`/v1/security-reports/${props.id}`);
      const [payments, refunds] = await Promise.all([
        Promise.all(
          report.transactionIds.map((id) => api.get<Transaction>(apiPath`/v1/transactions/${id}`)),
        ),
        Promise.all(report.refundIds.map((id) => api.get<Refund>(apiPath`/v1/refunds/${id}`))),
      ]);
      setData({ report, payments, refunds });
      setError(null);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  }, [api, props.id]);

  useEffect(() => {
    void reload();
  }, [reload]);

  /** Null when done or refused (the page says which); a message for the dialog to retry. */
  const release = async (): Promise<string | null> => {
    if (!note.trim()) return 'Write why the hold can end (the note stays internal).';
    try {
      await api.post<SecurityReport>(apiPath`/v1/security-reports/${props.id}/release`, {
        note: note.trim(),
      });
      setNote('');
      props.onReleased("The payout hold is released: the customer's refunds can be paid again.");
      void reload();
      return null;
    } catch (caught) {
      const message = caught instanceof ApiError ? caught.message : String(caught);
      if (isTemporary(caught)) return message;
      props.onRefused(message);
      void reload();
      return null;
    }
  };

  if (!data) {
    return (
      <section aria-labelledby="report-title" className="panel">
        <h2 id="report-title">Security report</h2>
        {error ? <p className="banner error">{error}</p> : <p className="muted">Loading…</p>}
      </section>
    );
  }
  const { report, payments, refunds } = data;
  const hold = report.payoutHold;

  return (
    <>
      <section aria-labelledby="report-title" className="panel">
        <h2 id="report-title">Security report</h2>
        {error && <p className="banner error">{error}</p>}
        <dl className="facts">
          <div>
            <dt>Status</dt>
            <dd>{humanize(report.status)}</dd>
          </div>
          <div>
            <dt>Payout hold</dt>
            <dd>
              {hold.active
                ? `Active since ${formatTime(hold.placedAt)}`
                : `Released ${formatTime(hold.releasedAt)}${
                    hold.releasedBy ? ` by ${formatActor(hold.releasedBy)}` : ''
                  }`}
            </dd>
          </div>
          <div>
            <dt>Reported</dt>
            <dd>{formatTime(report.createdAt)}</dd>
          </div>
          <div className="wide">
            <dt>What the customer said</dt>
            <dd>{report.description}</dd>
          </div>
        </dl>
        {hold.active && (
          <div className="actions" role="group" aria-label="Security report actions">
            <button type="button" className="danger" onClick={() => setConfirming(true)}>
              Release payout hold…
            </button>
          </div>
        )}
      </section>
      <section aria-labelledby="report-payments-title" className="panel">
        <h2 id="report-payments-title">Reported payments ({payments.length})</h2>
        {payments.length === 0 ? (
          <p className="muted">The report lists no payment.</p>
        ) : (
          <table className="records">
            <thead>
              <tr>
                <th scope="col">Payment</th>
                <th scope="col">Paid</th>
                <th scope="col">Amount</th>
                <th scope="col">Merchant</th>
              </tr>
            </thead>
            <tbody>
              {payments.map((payment) => (
                <tr key={payment.id}>
                  <td>
                    <code>{payment.id}</code>
                    {payment.description && <div className="muted">{payment.description}</div>}
                  </td>
                  <td>{formatTime(payment.paidAt)}</td>
                  <td className="nowrap">{formatMoney(payment.amount, payment.currency)}</td>
                  <td>{payment.merchantId}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="report-refunds-title" className="panel">
        <h2 id="report-refunds-title">Refund requests ({refunds.length})</h2>
        {refunds.length === 0 ? (
          <p className="muted">No payment had anything left to refund.</p>
        ) : (
          <table className="records">
            <thead>
              <tr>
                <th scope="col">Refund</th>
                <th scope="col">Payment</th>
                <th scope="col">Amount</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {refunds.map((refund) => (
                <tr key={refund.id}>
                  <td>
                    <Link href={paths.refund(refund.id)}>{refund.id.slice(0, 8)}</Link>
                  </td>
                  <td>
                    <code>{refund.transactionId}</code>
                  </td>
                  <td className="nowrap">{formatMoney(refund.amount, refund.currency)}</td>
                  <td>
                    <StatusBadge status={refund.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {confirming && (
        <ConfirmDialog
          title="Release the payout hold?"
          confirmLabel="Release hold"
          danger
          onConfirm={release}
          onClose={() => setConfirming(false)}
        >
          <p>
            The report becomes resolved and {report.customerId}&apos;s approved refunds can be paid
            out again. Do this only once the account is secured.
          </p>
          <label htmlFor="release-note">Note (internal)</label>
          <textarea
            id="release-note"
            rows={3}
            maxLength={4000}
            value={note}
            onChange={(event) => setNote(event.target.value)}
          />
        </ConfirmDialog>
      )}
    </>
  );
}

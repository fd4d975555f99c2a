import { useEffect, useState } from 'react';
import { ApiError, apiPath } from './api';
import { formatMoney, formatTime, humanize } from './format';
import { Link, navigate, paths } from './router';
import { useSession } from './session';
import type { Page, Refund, SupportCase, Transaction } from './types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Opens what the agent typed: a case id or a refund id (both UUIDs), or a payment id. One match
 * opens at once; several are listed.
 */
export function FindPage({ q }: { q: string }) {
  const { api } = useSession();
  const [refunds, setRefunds] = useState<Refund[] | null>(null);
  // When no refund matched: the payment of that id, if there is one.
  const [payment, setPayment] = useState<Transaction | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const orNull = <T,>(promise: Promise<T>): Promise<T | null> =>
      promise.catch((caught: unknown) => {
        if (caught instanceof ApiError && [400, 404].includes(caught.status)) return null;
        throw caught;
      });
    const find = async () => {
      if (!q.trim()) return setRefunds([]);
      if (UUID.test(q)) {
        const id = q.toLowerCase();
        const found = await orNull(api.get<SupportCase>(apiPath`/v1/cases/${id}`));
        if (found) return navigate(paths.case(id), { replace: true });
        const refund = await orNull(api.get<Refund>(apiPath`/v1/refunds/${id}`));
        if (refund) return navigate(paths.refund(id), { replace: true });
      }
      // Not shaped like a payment id: 400, which means no match here.
      const page = await orNull(
        api.get<Page<Refund>>('/v1/refunds', { transactionId: q, limit: 100 }),
      );
      if (cancelled) return;
      const found = page?.data ?? [];
      if (found.length === 1) return navigate(paths.refund(found[0].id), { replace: true });
      // A payment without refunds is not "nothing found".
      const paid =
        found.length === 0
          ? await orNull(api.get<Transaction>(apiPath`/v1/transactions/${q}`))
          : null;
      if (cancelled) return;
      setPayment(paid);
      setRefunds(found);
    };
    find().catch((caught: unknown) => {
      if (!cancelled) setError(caught instanceof ApiError ? caught.message : String(caught));
    });
    return () => {
      cancelled = true;
    };
  }, [api, q]);

  return (
    <>
      <h1>Find “{q}”</h1>
      {error && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
      {!error && refunds === null && <p className="muted">Looking…</p>}
      {refunds?.length === 0 && payment && (
        <p role="status">
          Payment <code>{payment.id}</code> ({formatMoney(payment.amount, payment.currency)} from{' '}
          {payment.customerId} to {payment.merchantId}, paid {formatTime(payment.paidAt)}) has no
          refunds.
        </p>
      )}
      {refunds?.length === 0 && !payment && (
        <p role="status">No case, refund or payment has the id “{q}”. Check it and try again.</p>
      )}
      {refunds && refunds.length > 1 && (
        <>
          <p role="status">
            Payment {q} has {refunds.length} refunds:
          </p>
          <ul className="plain">
            {refunds.map((refund) => (
              <li key={refund.id}>
                <Link href={paths.refund(refund.id)}>
                  {formatMoney(refund.amount, refund.currency)}, {humanize(refund.status)}
                </Link>{' '}
                <span className="muted">applied {formatTime(refund.createdAt)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

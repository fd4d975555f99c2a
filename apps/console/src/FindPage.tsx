import { useEffect, useState } from 'react';
import { ApiError } from './api';
import { CaseList } from './CaseList';
import { formatMoney, formatTime, humanize } from './format';
import { Link, navigate, paths } from './router';
import { useSession } from './session';
import type { SearchResult } from './types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Search by any key the API knows: an id prefix (8 characters or more) of a case, refund or
 * payment, a customer or merchant id, or words of a payment's description. A whole case or
 * refund id that matches opens at once.
 */
export function FindPage({ q }: { q: string }) {
  const { api } = useSession();
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    if (!q.trim()) return;
    api.get<SearchResult>('/v1/search', { q }).then(
      (found) => {
        if (cancelled) return;
        const id = q.trim().toLowerCase();
        if (UUID.test(id) && found.cases.length === 1 && found.cases[0].id === id) {
          return navigate(paths.case(id), { replace: true });
        }
        if (UUID.test(id) && found.refunds.length === 1 && found.refunds[0].id === id) {
          return navigate(paths.refund(id), { replace: true });
        }
        setResult(found);
      },
      (caught: unknown) => {
        if (!cancelled) setError(caught instanceof ApiError ? caught.message : String(caught));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, q]);

  const total = result
    ? result.cases.length +
      result.refunds.length +
      result.payments.length +
      result.customers.length +
      result.merchants.length
    : 0;
  return (
    <>
      <h1>Find “{q}”</h1>
      {error && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
      {!error && !result && <p className="muted">Looking…</p>}
      {result && total === 0 && (
        <p role="status">
          Nothing matches “{q}”. Search by the first 8 characters of a case, refund or payment id, a
          customer or merchant id, or words of the payment&apos;s description.
        </p>
      )}
      {result && total > 0 && <p role="status">{total} found.</p>}
      {result && result.customers.length > 0 && (
        <section aria-labelledby="found-customers">
          <h2 id="found-customers">Customers</h2>
          <ul className="plain">
            {result.customers.map((customer) => (
              <li key={customer.id}>
                <Link href={paths.customer(customer.id)}>{customer.id}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      {result && result.merchants.length > 0 && (
        <section aria-labelledby="found-merchants">
          <h2 id="found-merchants">Merchants</h2>
          <ul className="plain">
            {result.merchants.map((merchant) => (
              <li key={merchant.id}>{merchant.id}</li>
            ))}
          </ul>
        </section>
      )}
      {result && result.cases.length > 0 && (
        <section aria-labelledby="found-cases">
          <h2 id="found-cases">Cases</h2>
          <CaseList cases={result.cases} caption="Cases found" />
        </section>
      )}
      {result && result.refunds.length > 0 && (
        <section aria-labelledby="found-refunds">
          <h2 id="found-refunds">Refunds</h2>
          <RefundLinks refunds={result.refunds} />
        </section>
      )}
      {result && result.payments.length > 0 && (
        <section aria-labelledby="found-payments">
          <h2 id="found-payments">Payments</h2>
          <PaymentList payments={result.payments} />
        </section>
      )}
    </>
  );
}

export function RefundLinks({ refunds }: { refunds: SearchResult['refunds'] }) {
  return (
    <ul className="plain">
      {refunds.map((refund) => (
        <li key={refund.id}>
          <Link href={paths.refund(refund.id)}>
            {formatMoney(refund.amount, refund.currency)}, {humanize(refund.status)}
          </Link>{' '}
          <span className="muted">
            {refund.customerId} · {refund.merchantId} · applied {formatTime(refund.createdAt)}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function PaymentList({ payments }: { payments: SearchResult['payments'] }) {
  return (
    <ul className="plain">
      {payments.map((payment) => (
        <li key={payment.id}>
          <code>{payment.id}</code> {payment.description ?? 'No description'}:{' '}
          {formatMoney(payment.amount, payment.currency)} from{' '}
          <Link href={paths.customer(payment.customerId)}>{payment.customerId}</Link> to{' '}
          {payment.merchantId}, paid {formatTime(payment.paidAt)}{' '}
          <span className="muted">
            ({formatMoney(payment.refundableAmount, payment.currency)} refundable)
          </span>
        </li>
      ))}
    </ul>
  );
}

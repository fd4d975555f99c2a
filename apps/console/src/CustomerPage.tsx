import { useEffect, useState } from 'react';
import { ApiError, apiPath } from './api';
import { CaseList } from './CaseList';
import { formatTime } from './format';
import { PaymentList, RefundLinks } from './FindPage';
import { Link, paths } from './router';
import { useSession } from './session';
import type { CustomerOverview } from './types';

/**
 * The customer at a glance: their open security report and payout hold first (what stops their
 * money), then their cases, refunds and payments, newest first.
 */
export function CustomerPage({ id }: { id: string }) {
  const { api } = useSession();
  const [customer, setCustomer] = useState<CustomerOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<CustomerOverview>(apiPath`/v1/customers/${id}`)
      .then(setCustomer, (caught: unknown) =>
        setError(caught instanceof ApiError ? caught.message : String(caught)),
      );
  }, [api, id]);
  return (
    <>
      <h1>Customer {id}</h1>
      {error && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
      {!error && !customer && <p className="muted">Loading the customer…</p>}
      {customer && (
        <>
          <section aria-labelledby="customer-security" className="panel">
            <h2 id="customer-security">Security report and payout hold</h2>
            {customer.payoutHold ? (
              <p className="banner error" role="status">
                Payouts held since {formatTime(customer.payoutHold.placedAt)}: no refund of this
                customer is paid out until an agent releases the hold on the report&apos;s case.
              </p>
            ) : (
              <p className="muted">Payouts are not held.</p>
            )}
            {customer.securityReport ? (
              <dl className="facts">
                <div>
                  <dt>Open report</dt>
                  <dd>
                    Filed {formatTime(customer.securityReport.createdAt)}:{' '}
                    <q>{customer.securityReport.description}</q>
                  </dd>
                </div>
                <div>
                  <dt>Payments reported</dt>
                  <dd>{customer.securityReport.transactionIds.join(', ') || 'None'}</dd>
                </div>
                {customer.securityReport.caseId && (
                  <div>
                    <dt>Its case</dt>
                    <dd>
                      <Link href={paths.case(customer.securityReport.caseId)}>
                        Open the stolen-wallet case
                      </Link>
                    </dd>
                  </div>
                )}
              </dl>
            ) : (
              <p className="muted">No open security report.</p>
            )}
          </section>
          <section aria-labelledby="customer-cases">
            <h2 id="customer-cases">Cases ({customer.cases.length})</h2>
            {customer.cases.length ? (
              <CaseList cases={customer.cases} caption={`Cases of ${id}`} />
            ) : (
              <p className="muted">No cases.</p>
            )}
          </section>
          <section aria-labelledby="customer-refunds">
            <h2 id="customer-refunds">Refunds ({customer.refunds.length})</h2>
            <RefundLinks refunds={customer.refunds} />
          </section>
          <section aria-labelledby="customer-payments">
            <h2 id="customer-payments">Payments ({customer.payments.length})</h2>
            <PaymentList payments={customer.payments} />
          </section>
        </>
      )}
    </>
  );
}

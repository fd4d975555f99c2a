import type { TestApp } from './app';
import { payment } from './fixtures';

export interface Actors {
  customer: string;
  otherCustomer: string;
  merchant: string;
  otherMerchant: string;
  agent: string;
  system: string;
}

/** Bearer headers for one customer, one merchant, an agent and the system, plus strangers. */
export async function actors(t: TestApp): Promise<Actors> {
  return {
    customer: await t.bearer('customer', 'cus-1'),
    otherCustomer: await t.bearer('customer', 'cus-2'),
    merchant: await t.bearer('merchant', 'mer-1'),
    otherMerchant: await t.bearer('merchant', 'mer-2'),
    agent: await t.bearer('agent', 'agt-1'),
    system: await t.bearer('system', 'ledger'),
  };
}

/** A DRAFT refund (reason NOT_RECEIVED: no evidence needed) of a fresh payment. */
export async function draft(
  t: TestApp,
  a: Actors,
  body: Record<string, unknown> = {},
): Promise<Record<string, any>> {
  const transactionId = await payment(t);
  const res = await t.http
    .post('/v1/refunds')
    .set('Authorization', a.customer)
    .send({ transactionId, amount: 300_000, reasonCode: 'NOT_RECEIVED', ...body });
  if (res.status !== 201) throw new Error(`apply: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function act(
  t: TestApp,
  auth: string,
  id: string,
  action: string,
  body: Record<string, unknown> = {},
) {
  return t.http.post(`/v1/refunds/${id}/${action}`).set('Authorization', auth).send(body);
}

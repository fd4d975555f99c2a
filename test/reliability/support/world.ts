import { randomUUID } from 'node:crypto';
import type { Role } from '../../../apps/api/src/common/principal';
import type { TestApp } from '../../support/app';
import { PNG } from '../../support/fixtures';

export type Side = 'own' | 'foreign';

/** The ids one side's path parameters are filled with. */
export interface Objects {
  refund: string;
  transaction: string;
  attachment: string;
  case: string;
  notice: string;
  endpoint: string;
  delivery: string;
  /** The id of the side's customer (the agents' customer page). */
  customer?: string;
  /** An agents' macro. */
  macro?: string;
  securityReport: string;
}

export interface World {
  tokens: Record<Role, string>;
  /** Principals of the same roles who own the foreign objects. */
  strangers: Record<Role, string>;
  own: Objects;
  foreign: Objects;
}

const expectStatus = (what: string, res: { status: number; body: unknown }, ...ok: number[]) => {
  if (!ok.includes(res.status)) {
    throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body as Record<string, any>;
};

/**
 * Two of everything the routes take as a path parameter: one belonging to the customer
 * `<prefix>cus-1` and merchant `<prefix>mer-1`, one to `<prefix>cus-2` and `<prefix>mer-2`.
 * The app must run with WEBHOOK_ALLOW_PRIVATE_URLS=true: deliveries go to a closed loopback port.
 */
export async function buildWorld(t: TestApp, prefix = randomUUID().slice(0, 8)): Promise<World> {
  const principal = async (role: Role, n: number) => t.bearer(role, `${prefix}-${role}-${n}`);
  const tokens = {} as Record<Role, string>;
  const strangers = {} as Record<Role, string>;
  for (const role of ['customer', 'merchant', 'agent', 'system'] as const) {
    tokens[role] = await principal(role, 1);
    strangers[role] = await principal(role, 2);
  }
  const side = async (n: number): Promise<Objects> => {
    const customer = await principal('customer', n);
    const merchant = await principal('merchant', n);
    const endpoint = expectStatus(
      'endpoint',
      await t.http
        .post('/v1/webhook-endpoints')
        .set('Authorization', merchant)
        .send({ url: 'http://127.0.0.1:9/hook', events: ['refund.apply'] }),
      201,
    ).id as string;
    const transaction = `TX-${prefix}-${n}`;
    expectStatus(
      'payment',
      await t.http
        .post('/v1/transactions')
        .set('Authorization', tokens.system)
        .send({
          id: transaction,
          customerId: `${prefix}-customer-${n}`,
          merchantId: `${prefix}-merchant-${n}`,
          amount: 1_000_000,
          currency: 'IDR',
          paidAt: '2026-11-20T03:00:00.000Z',
        }),
      201,
    );
    const refund = expectStatus(
      'apply',
      await t.http
        .post('/v1/refunds')
        .set('Authorization', customer)
        .send({ transactionId: transaction, amount: 1000, reasonCode: 'NOT_RECEIVED' }),
      201,
    ).id as string;
    const attachment = expectStatus(
      'upload',
      await t.http
        .post(`/v1/refunds/${refund}/attachments`)
        .set('Authorization', customer)
        .field('kind', 'PHOTO')
        .attach('file', PNG, { filename: 'photo.png', contentType: 'image/png' }),
      201,
    ).id as string;
    const supportCase = expectStatus(
      'escalate',
      await t.http
        .post(`/v1/refunds/${refund}/escalate`)
        .set('Authorization', customer)
        .send({ message: 'Please look at this.' }),
      201,
    ).id as string;
    const notice = expectStatus(
      'notice',
      await t.http
        .post('/v1/notices')
        .set('Authorization', tokens.agent)
        .send({
          kind: 'MAINTENANCE',
          title: 'Maintenance',
          body: 'Chat is being upgraded.',
          startsAt: new Date(Date.now() + 3_600_000).toISOString(),
          endsAt: new Date(Date.now() + 7_200_000).toISOString(),
          affectedChannels: ['EMAIL'],
        }),
      201,
    ).id as string;
    const macro = expectStatus(
      'macro',
      await t.http
        .post('/v1/macros')
        .set('Authorization', tokens.agent)
        .send({ title: `Macro ${n}`, body: 'Hello {{customer.id}}.' }),
      201,
    ).id as string;
    const deliveries = expectStatus(
      'deliveries',
      await t.http
        .get(`/v1/webhook-endpoints/${endpoint}/deliveries`)
        .set('Authorization', merchant),
      200,
    );
    const delivery = deliveries.data[0]?.id as string | undefined;
    if (!delivery) throw new Error('no delivery for the refund.apply event');
    // Filed without payments: it holds the customer's payouts, but files no refund.
    const securityReport = expectStatus(
      'security report',
      await t.http
        .post('/v1/security-reports')
        .set('Authorization', customer)
        .send({ description: 'My phone was stolen.' }),
      201,
    ).id as string;
    return {
      refund,
      transaction,
      attachment,
      case: supportCase,
      notice,
      endpoint,
      delivery,
      customer: `${prefix}-customer-${n}`,
      macro,
      securityReport,
    };
  };
  return { tokens, strangers, own: await side(1), foreign: await side(2) };
}

/** The path with its parameters set to the objects' ids (`{id}` by the route's resource). */
export function fillPath(path: string, objects: Objects): string {
  const resource = path.split('/')[2];
  const idOf: Record<string, string> = {
    refunds: objects.refund,
    transactions: objects.transaction,
    cases: objects.case,
    notices: objects.notice,
    'webhook-endpoints': objects.endpoint,
    ...(objects.customer ? { customers: objects.customer } : {}),
    ...(objects.macro ? { macros: objects.macro } : {}),
    'security-reports': objects.securityReport,
  };
  return path
    .replace('{id}', encodeURIComponent(idOf[resource] ?? 'none'))
    .replace('{attachmentId}', objects.attachment)
    .replace('{deliveryId}', objects.delivery)
    .replace('{macroId}', objects.macro ?? 'none');
}

import type { RefundStatus } from '../apps/api/src/generated/kysely/enums';
import {
  ENDPOINT_ACTIONS,
  Transition,
  TRANSITIONS,
} from '../apps/api/src/refunds/refund-transitions';
import { startTestApp, TestApp } from './support/app';
import { refundIn } from './support/fixtures';
import { act, actors, Actors } from './support/refunds';

type Who = 'customer' | 'merchant' | 'agent' | 'system';

/** What each role may do in each state: docs/api.md's table of actions, written out by hand. */
const EXPECTED: Record<RefundStatus, Partial<Record<Who, string[]>>> = {
  DRAFT: { customer: ['submit', 'cancel', 'escalate'] },
  SUBMITTED: {
    customer: ['cancel', 'escalate'],
    merchant: ['start-review', 'request-info', 'approve', 'reject', 'offer'],
    agent: ['start-review', 'request-info', 'approve', 'reject', 'offer'],
  },
  UNDER_REVIEW: {
    customer: ['cancel', 'escalate'],
    merchant: ['request-info', 'approve', 'reject', 'offer'],
    agent: ['request-info', 'approve', 'reject', 'offer'],
  },
  INFO_REQUESTED: { customer: ['provide-info', 'cancel', 'escalate'] },
  APPROVED: { customer: ['escalate'], system: ['start-payout', 'payout'] },
  PAYOUT_PENDING: { customer: ['escalate'], system: ['payout'] },
  REJECTED: { customer: ['dispute', 'escalate'] },
  DISPUTED: {
    customer: ['withdraw-dispute', 'escalate'],
    merchant: ['merchant-response', 'offer'],
    agent: ['resolve-dispute', 'offer'],
  },
  PAYOUT_FAILED: { customer: ['escalate'], agent: ['retry-payout'] },
  REFUNDED: {},
  CANCELLED: {},
  CLOSED: {},
  EXPIRED: {},
};

const STATUSES = Object.keys(EXPECTED) as RefundStatus[];

const VALID_BODIES: Record<string, Record<string, unknown>> = {
  'request-info': { question: 'Which courier?' },
  'provide-info': { answer: 'JNE, tracking 123' },
  approve: { note: 'fine' },
  reject: { reason: 'Delivered and signed for.' },
  dispute: { statement: 'I never received it.' },
  'resolve-dispute': { outcome: 'CUSTOMER_FAVOUR', note: 'Courier confirmed the loss.' },
  payout: { result: 'SUCCEEDED', reference: 'PO-9' },
  'merchant-response': { statement: 'Our courier says it was delivered.' },
  escalate: { message: 'Nobody answers me.' },
  offer: { amount: 100_000, message: 'A third back?' },
};

describe('the transition table through HTTP: every state × action × role', () => {
  let t: TestApp;
  let a: Actors;
  let auth: Record<Who, string>;
  let strangers: Partial<Record<Who, string>>;

  /** One refund in each state, whose actions are refused (taking one uses a fresh refund). */
  const seeded: Partial<Record<RefundStatus, string>> = {};

  beforeAll(async () => {
    t = await startTestApp();
    a = await actors(t);
    auth = { customer: a.customer, merchant: a.merchant, agent: a.agent, system: a.system };
    strangers = { customer: a.otherCustomer, merchant: a.otherMerchant };
    for (const status of STATUSES) seeded[status] = await refundIn(t, status);
  });
  afterAll(() => t.close());

  it('has a refund in every state, as the API shows it', async () => {
    for (const status of STATUSES) {
      const res = await t.http.get(`/v1/refunds/${seeded[status]!}`).set('Authorization', a.agent);
      expect([status, res.body.status]).toEqual([status, status]);
    }
  });

  for (const status of STATUSES) {
    for (const who of ['customer', 'merchant', 'agent', 'system'] as Who[]) {
      it(`${status} as ${who}: lists exactly the allowed actions, each accepted, every other refused`, async () => {
        const expected = EXPECTED[status][who] ?? [];
        const seen = await t.http
          .get(`/v1/refunds/${seeded[status]!}`)
          .set('Authorization', auth[who]);
        expect(seen.status).toBe(200);
        expect([...seen.body.nextActions].sort()).toEqual([...expected].sort());

        for (const action of ENDPOINT_ACTIONS) {
          const roles: readonly string[] = TRANSITIONS[action].roles;
          if (expected.includes(action)) {
            // Taking it changes the refund: use a fresh one in the same state.
            const fresh = await refundIn(t, status);
            const res = await act(t, auth[who], fresh, action, VALID_BODIES[action]);
            const created = action === 'escalate' && status !== 'DISPUTED'; // a dispute already has its case
            expect([action, res.status]).toEqual([action, created ? 201 : 200]);
            continue;
          }
          const res = await act(t, auth[who], seeded[status]!, action, VALID_BODIES[action]);
          const want = roles.includes(who) ? 409 : 403;
          // The state allows it, but the refunds in each state have no offer.
          const needsOffer =
            (TRANSITIONS[action].from as readonly RefundStatus[]).includes(status) &&
            (TRANSITIONS[action] as Transition).offer === 'open';
          expect([action, res.status, res.body.code]).toEqual([
            action,
            want,
            want === 403 ? 'FORBIDDEN' : needsOffer ? 'NO_OPEN_OFFER' : 'INVALID_TRANSITION',
          ]);
          // A stranger of an allowed role learns nothing: 404, never 403 or 409.
          const stranger = strangers[who];
          if (stranger && roles.includes(who)) {
            const hidden = await act(t, stranger, seeded[status]!, action, VALID_BODIES[action]);
            expect([action, hidden.status]).toEqual([action, 404]);
          }
        }
        const after = await t.http
          .get(`/v1/refunds/${seeded[status]!}`)
          .set('Authorization', a.agent);
        expect(after.body.status).toBe(status);
      }, 60_000);
    }
  }
});

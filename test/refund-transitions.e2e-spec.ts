import { RefundsService } from '../apps/api/src/refunds/refunds.service';
import { ENDPOINT_ACTIONS, TRANSITIONS } from '../apps/api/src/refunds/refund-transitions';
import { startTestApp, TestApp } from './support/app';
import { act, actors, Actors, draft } from './support/refunds';

type Who = 'customer' | 'merchant' | 'agent' | 'system';

/** What each role may do in each state: docs/api.md's table of actions, written out by hand. */
const EXPECTED: Record<string, Partial<Record<Who, string[]>>> = {
  DRAFT: { customer: ['submit', 'cancel', 'escalate'] },
  SUBMITTED: {
    customer: ['cancel', 'escalate'],
    merchant: ['start-review', 'request-info', 'approve', 'reject'],
    agent: ['start-review', 'request-info', 'approve', 'reject'],
  },
  UNDER_REVIEW: {
    customer: ['cancel', 'escalate'],
    merchant: ['request-info', 'approve', 'reject'],
    agent: ['request-info', 'approve', 'reject'],
  },
  INFO_REQUESTED: { customer: ['provide-info', 'cancel', 'escalate'] },
  APPROVED: { customer: ['escalate'], system: ['payout'] },
  REJECTED: { customer: ['dispute', 'escalate'] },
  DISPUTED: {
    customer: ['withdraw-dispute', 'escalate'],
    merchant: ['merchant-response'],
    agent: ['resolve-dispute'],
  },
  PAYOUT_FAILED: { customer: ['escalate'], agent: ['retry-payout'] },
  REFUNDED: {},
  CANCELLED: {},
  CLOSED: {},
  EXPIRED: {},
};

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
};

describe('the transition table through HTTP: every state × action × role', () => {
  let t: TestApp;
  let a: Actors;
  let auth: Record<Who, string>;
  let strangers: Partial<Record<Who, string>>;

  /** Walks a fresh refund to `status` through the API, as its users would. */
  async function refundIn(status: string): Promise<string> {
    const { id } = await draft(t, a);
    const steps: Record<string, [string, string, Record<string, unknown>?][]> = {
      DRAFT: [],
      SUBMITTED: [[a.customer, 'submit']],
      UNDER_REVIEW: [
        [a.customer, 'submit'],
        [a.merchant, 'start-review'],
      ],
      INFO_REQUESTED: [
        [a.customer, 'submit'],
        [a.merchant, 'request-info', VALID_BODIES['request-info']],
      ],
      APPROVED: [
        [a.customer, 'submit'],
        [a.merchant, 'approve'],
      ],
      REJECTED: [
        [a.customer, 'submit'],
        [a.merchant, 'reject', VALID_BODIES.reject],
      ],
      DISPUTED: [
        [a.customer, 'submit'],
        [a.merchant, 'reject', VALID_BODIES.reject],
        [a.customer, 'dispute', VALID_BODIES.dispute],
      ],
      PAYOUT_FAILED: [
        [a.customer, 'submit'],
        [a.merchant, 'approve'],
        [a.system, 'payout', { result: 'FAILED', failureReason: 'Account closed' }],
      ],
      REFUNDED: [
        [a.customer, 'submit'],
        [a.merchant, 'approve'],
        [a.system, 'payout', VALID_BODIES.payout],
      ],
      CANCELLED: [[a.customer, 'cancel']],
      CLOSED: [
        [a.customer, 'submit'],
        [a.merchant, 'reject', VALID_BODIES.reject],
        [a.customer, 'dispute', VALID_BODIES.dispute],
        [a.customer, 'withdraw-dispute'],
      ],
    };
    for (const [who, action, body] of steps[status]) {
      const res = await act(t, who, id, action, body);
      if (res.status !== 200)
        throw new Error(`${action}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return id;
  }

  const fixtures: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ DRAFT_EXPIRY_DAYS: '30', INFO_REQUEST_EXPIRY_DAYS: '14' });
    a = await actors(t);
    auth = { customer: a.customer, merchant: a.merchant, agent: a.agent, system: a.system };
    strangers = { customer: a.otherCustomer, merchant: a.otherMerchant };
    // EXPIRED first: the expiry scan, run as if 31 days had passed, expires this draft only.
    const { id } = await draft(t, a);
    await t.app.get(RefundsService).expireDue(new Date(Date.now() + 31 * 24 * 3600 * 1000));
    fixtures.EXPIRED = id;
    for (const status of Object.keys(EXPECTED).filter((s) => s !== 'EXPIRED')) {
      fixtures[status] = await refundIn(status);
    }
  }, 120_000);
  afterAll(() => t.close());

  it('reaches every state', async () => {
    for (const [status, id] of Object.entries(fixtures)) {
      const res = await t.http.get(`/v1/refunds/${id}`).set('Authorization', a.agent);
      expect([status, res.body.status]).toEqual([status, status]);
    }
    expect(Object.keys(fixtures).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const status of Object.keys(EXPECTED)) {
    for (const who of ['customer', 'merchant', 'agent', 'system'] as Who[]) {
      it(`${status} as ${who}: lists exactly the allowed actions, each accepted, every other refused`, async () => {
        const expected = EXPECTED[status][who] ?? [];
        const seen = await t.http
          .get(`/v1/refunds/${fixtures[status]}`)
          .set('Authorization', auth[who]);
        expect(seen.status).toBe(200);
        expect([...seen.body.nextActions].sort()).toEqual([...expected].sort());

        for (const action of ENDPOINT_ACTIONS) {
          const roles: readonly string[] = TRANSITIONS[action].roles;
          if (expected.includes(action)) {
            // Taking it changes the refund: use a fresh one in the same state.
            const fresh = await refundIn(status);
            const res = await act(t, auth[who], fresh, action, VALID_BODIES[action]);
            const created = action === 'escalate' && status !== 'DISPUTED'; // a dispute already has its case
            expect([action, res.status]).toEqual([action, created ? 201 : 200]);
            continue;
          }
          const res = await act(t, auth[who], fixtures[status], action, VALID_BODIES[action]);
          const want = roles.includes(who) ? 409 : 403;
          expect([action, res.status, res.body.code]).toEqual([
            action,
            want,
            want === 403 ? 'FORBIDDEN' : 'INVALID_TRANSITION',
          ]);
          // A stranger of an allowed role learns nothing: 404, never 403 or 409.
          const stranger = strangers[who];
          if (stranger && roles.includes(who)) {
            const hidden = await act(t, stranger, fixtures[status], action, VALID_BODIES[action]);
            expect([action, hidden.status]).toEqual([action, 404]);
          }
        }
        const after = await t.http
          .get(`/v1/refunds/${fixtures[status]}`)
          .set('Authorization', a.agent);
        expect(after.body.status).toBe(status);
      }, 60_000);
    }
  }
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { SchedulerService } from '../../apps/api/src/jobs/scheduler.service';
import type { TestApp } from './app';
import { act, Actors, draft } from './refunds';

export const ALL_CHANNELS = ['IN_APP_CHAT', 'HOTLINE', 'EMAIL', 'SOCIAL_MEDIA'];

/**
 * A SUPPORT_CHANNELS file that opens every channel all day, every day, so that availability
 * depends on notices only, never on the time the tests run. Returns the file and its folder.
 */
export function allDayChannelsFile(): { file: string; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'refund-desk-cases-'));
  const allDay = { hours: [{ days: [1, 2, 3, 4, 5, 6, 7], open: '00:00', close: '24:00' }] };
  const file = path.join(dir, 'channels.json');
  writeFileSync(file, JSON.stringify(Object.fromEntries(ALL_CHANNELS.map((id) => [id, allDay]))));
  return { file, dir };
}

/**
 * Stops an app's scheduler (and waits for a run in progress), so that only the test decides when
 * deadlines are scanned.
 */
export async function stopScheduler(app: INestApplication): Promise<void> {
  await app.get(SchedulerService).onApplicationShutdown();
}

export type Step = [keyof Actors, string, Record<string, unknown>?];

export const SUBMIT: Step = ['customer', 'submit'];
export const REJECT: Step = ['merchant', 'reject', { reason: 'The parcel was signed for.' }];
export const DISPUTE: Step = [
  'customer',
  'dispute',
  {
    statement: 'I never received the parcel; the signature is not mine.',
    negotiationRecords: [
      {
        at: '2026-11-21T04:00:00.000Z',
        channel: 'CHAT',
        summary: 'The shop said the courier delivered it and refused a refund.',
      },
    ],
  },
];

/** A fresh refund of cus-1 walked through `steps` through the API, as its users would. */
export async function refundThrough(
  t: TestApp,
  a: Actors,
  steps: Step[],
  body: Record<string, unknown> = {},
): Promise<string> {
  const refund = await draft(t, a, body);
  for (const [who, action, actionBody] of steps) {
    const res = await act(t, a[who], refund.id as string, action, actionBody);
    if (res.status !== 200) throw new Error(`${action}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return refund.id as string;
}

export function escalate(
  t: TestApp,
  auth: string,
  refundId: string,
  body: Record<string, unknown> = { message: 'Nobody has looked at my refund for days.' },
) {
  return t.http.post(`/v1/refunds/${refundId}/escalate`).set('Authorization', auth).send(body);
}

export async function getRefund(t: TestApp, auth: string, refundId: string) {
  const res = await t.http.get(`/v1/refunds/${refundId}`).set('Authorization', auth);
  if (res.status !== 200) throw new Error(`refund: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function timeline(t: TestApp, auth: string, refundId: string) {
  const res = await t.http.get(`/v1/refunds/${refundId}/events`).set('Authorization', auth);
  if (res.status !== 200) throw new Error(`events: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, any>[];
}

export function caseRequest(t: TestApp, auth: string, caseId: string, tail = '') {
  return t.http.get(`/v1/cases/${caseId}${tail}`).set('Authorization', auth);
}

/** GET /v1/cases/:id[/tail], which must answer 200. */
export async function readCase(t: TestApp, auth: string, caseId: string, tail = '') {
  const res = await caseRequest(t, auth, caseId, tail);
  if (res.status !== 200) throw new Error(`case${tail}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** POST /v1/cases/:id/<action>. */
export function caseAction(
  t: TestApp,
  auth: string,
  caseId: string,
  action: string,
  body: Record<string, unknown> = {},
) {
  return t.http.post(`/v1/cases/${caseId}/${action}`).set('Authorization', auth).send(body);
}

/** Every case of a refund, as the agent's queue lists them. */
export async function casesOfRefund(t: TestApp, agent: string, refundId: string) {
  const res = await t.http
    .get('/v1/cases')
    .query({ refundId, limit: 100 })
    .set('Authorization', agent);
  if (res.status !== 200) throw new Error(`cases: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data as Record<string, any>[];
}

/** Polls until `read` returns something truthy, or fails after `timeoutMs`. */
export async function eventually<T>(
  read: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

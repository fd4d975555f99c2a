import http, { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  body: string;
  event: { id: string; type: string; createdAt: string; data: Record<string, any> };
  headers: IncomingHttpHeaders;
  /** What the receiver answered: a status, or 'hang' (never answered). */
  answer: number | 'hang';
}

/** How the receiver answers the n-th request (0-based) it gets. */
export type Answer = (event: Received['event'], n: number) => number | 'hang';

export interface Receiver {
  url: string;
  received: Received[];
  /** Event ids acknowledged with a 2xx, in order. */
  acknowledged(): string[];
  answer: Answer;
  close(): Promise<void>;
}

/** A webhook receiver on loopback (127.0.0.1) that records everything it gets. */
export async function startReceiver(answer: Answer = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = {
    url: '',
    received,
    answer,
    acknowledged: () =>
      received.filter((r) => typeof r.answer === 'number' && r.answer < 300).map((r) => r.event.id),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(body) as Received['event'];
      const status = receiver.answer(event, received.length);
      received.push({ body, event, headers: request.headers, answer: status });
      if (status === 'hang') return;
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(status < 300 ? 'ok' : `failing on purpose: ${'x'.repeat(5000)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

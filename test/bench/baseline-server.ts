// The benchmark's baseline: a bare node:http server with a pg pool of the service's size doing
// the same SQL work per request, and nothing else (no routing framework, auth, validation or
// logging). What the service costs above it is the price of everything it does besides the SQL.
//   GET  /refunds/:id  one refund row by primary key, as JSON
//   POST /refunds      one refund and its first timeline event, in one transaction
//   POST /refunds/:id/<submit|approve|payout>  one conditional UPDATE (status and version) and
//                      its timeline event, in one transaction: a step of the whole life
// Started by run.ts with DATABASE_URL and PORT; prints "listening" once it accepts requests.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

interface ApplyBody {
  transactionId: string;
  customerId: string;
  merchantId: string;
  amount: number;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

async function read(id: string): Promise<[number, unknown]> {
  const { rows } = await pool.query('SELECT * FROM refunds WHERE id = $1', [id]);
  return rows[0] ? [200, rows[0]] : [404, { status: 404 }];
}

async function apply(body: ApplyBody): Promise<[number, unknown]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(
      `INSERT INTO refunds (id, transaction_id, customer_id, merchant_id, amount, requested_amount,
                            currency, reason_code)
       VALUES ($1, $2, $3, $4, $5, $5, 'IDR', 'NOT_RECEIVED') RETURNING *`,
      [randomUUID(), body.transactionId, body.customerId, body.merchantId, body.amount],
    );
    await client.query(
      `INSERT INTO refund_events (id, refund_id, sequence, action, to_status, actor_role, actor_id)
       VALUES ($1, $2, 1, 'apply', 'DRAFT', 'customer', $3)`,
      [randomUUID(), rows[0].id, body.customerId],
    );
    await client.query('COMMIT');
    return [201, rows[0]];
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

const STEPS: Record<string, { from: string; to: string }> = {
  submit: { from: 'DRAFT', to: 'SUBMITTED' },
  approve: { from: 'SUBMITTED', to: 'APPROVED' },
  payout: { from: 'APPROVED', to: 'REFUNDED' },
};

async function step(id: string, action: string): Promise<[number, unknown]> {
  const { from, to } = STEPS[action] ?? {};
  if (!from) return [404, { status: 404 }];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(
      `UPDATE refunds SET status = $2, version = version + 1, updated_at = now()
        WHERE id = $1 AND status = $3 RETURNING *`,
      [id, to, from],
    );
    if (!rows[0]) {
      await client.query('ROLLBACK');
      return [409, { status: 409 }];
    }
    await client.query(
      `INSERT INTO refund_events (id, refund_id, sequence, action, from_status, to_status,
                                  actor_role, actor_id)
       VALUES ($1, $2, $3, $4, $5, $6, 'customer', 'bench')`,
      [randomUUID(), id, rows[0].version, action, from, to],
    );
    await client.query('COMMIT');
    return [200, rows[0]];
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

async function handle(req: http.IncomingMessage, text: string): Promise<[number, unknown]> {
  const url = req.url ?? '';
  if (url === '/health') return [200, { status: 'ok' }];
  if (req.method === 'GET' && url.startsWith('/refunds/')) return read(url.slice(9));
  if (req.method === 'POST' && url === '/refunds') return apply(JSON.parse(text) as ApplyBody);
  const action = /^\/refunds\/([0-9a-f-]{36})\/([a-z]+)$/.exec(url);
  if (req.method === 'POST' && action) return step(action[1], action[2]);
  return [404, { status: 404 }];
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    handle(req, Buffer.concat(chunks).toString()).then(
      ([status, body]) => send(res, status, body),
      (error: unknown) => send(res, 500, { error: String(error) }),
    );
  });
});

server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
process.once('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});

import net from 'node:net';
import { startTestApp, TestApp } from './support/app';
import { ADMIN_ENV } from './support/database';

/** A loopback TCP proxy in front of PostgreSQL that the test can cut and restore. */
class CuttableProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async cut(): Promise<void> {
    const closed = new Promise((resolve) => this.server!.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

describe('health', () => {
  let t: TestApp;
  let proxy: CuttableProxy;

  beforeAll(async () => {
    const server = new URL(process.env[ADMIN_ENV]!);
    proxy = new CuttableProxy({ host: server.hostname, port: Number(server.port || 5432) });
    await proxy.open();
    // The app reaches its database only through the proxy.
    t = await startTestApp(
      {},
      {
        reach: (url) => {
          const viaProxy = new URL(url);
          viaProxy.hostname = '127.0.0.1';
          viaProxy.port = String(proxy.port);
          return viaProxy.toString();
        },
      },
    );
  });
  afterAll(async () => {
    await t.close();
    await proxy.cut().catch(() => undefined);
  });

  it('is live without a token', async () => {
    const res = await t.http.get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('is ready while the database answers, 503 while it is cut off, ready again after', async () => {
    expect((await t.http.get('/health/ready')).status).toBe(200);

    await proxy.cut();
    const down = await t.http.get('/health/ready');
    expect(down.status).toBe(503);
    expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(down.body.code).toBe('DATABASE_UNAVAILABLE');

    await proxy.open();
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
      status = (await t.http.get('/health/ready')).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
  });
});

import net from 'node:net';

/** How the database disappears: connections refused, or every packet silently held back. */
export type Outage = 'refused' | 'blackhole';

interface Pair {
  client: net.Socket;
  upstream?: net.Socket;
  /** Bytes held back while the link is down, per direction, delivered on restore. */
  toUpstream: Buffer[];
  toClient: Buffer[];
}

/**
 * A loopback TCP proxy in front of PostgreSQL that a test can cut and restore on one fixed port.
 * `refused` closes every connection and the port (new connections are refused); `blackhole`
 * keeps everything open but forwards nothing, as a dead link does (connections hang), and
 * delivers what was held back once restored, as TCP's retransmissions would.
 */
export class TcpProxy {
  private server?: net.Server;
  private readonly pairs = new Set<Pair>();
  private outage?: Outage;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** The URL of `databaseUrl`'s database, reached through this proxy. */
  reach(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  async open(): Promise<void> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async cut(outage: Outage): Promise<void> {
    this.outage = outage;
    if (outage === 'blackhole') return;
    const closed = new Promise((resolve) => this.server!.close(resolve));
    for (const pair of this.pairs) this.drop(pair);
    await closed;
  }

  async restore(): Promise<void> {
    const was = this.outage;
    this.outage = undefined;
    if (was === 'refused') {
      await this.open();
      return;
    }
    for (const pair of this.pairs) {
      if (!pair.upstream) this.connectUpstream(pair);
      this.flush(pair);
    }
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) this.drop(pair);
    await new Promise((resolve) =>
      this.server?.listening ? this.server.close(resolve) : resolve(0),
    );
  }

  private accept(client: net.Socket): void {
    const pair: Pair = { client, toUpstream: [], toClient: [] };
    this.pairs.add(pair);
    client.on('error', () => this.drop(pair));
    client.on('close', () => this.drop(pair));
    client.on('data', (chunk: Buffer) => {
      pair.toUpstream.push(chunk);
      this.flush(pair);
    });
    if (this.outage !== 'blackhole') this.connectUpstream(pair);
  }

  private connectUpstream(pair: Pair): void {
    const upstream = net.connect(this.target.port, this.target.host);
    pair.upstream = upstream;
    upstream.on('error', () => this.drop(pair));
    upstream.on('close', () => this.drop(pair));
    upstream.on('data', (chunk: Buffer) => {
      pair.toClient.push(chunk);
      this.flush(pair);
    });
  }

  private flush(pair: Pair): void {
    if (this.outage) return;
    for (const chunk of pair.toUpstream.splice(0)) pair.upstream?.write(chunk);
    for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk);
  }

  private drop(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    pair.client.destroy();
    pair.upstream?.destroy();
  }
}

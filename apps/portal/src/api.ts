import type { Language } from './texts';

/** An RFC 9457 problem; its title, detail and field messages come in the requested language. */
export interface Problem {
  status: number;
  code?: string;
  title?: string;
  detail?: string;
  errors?: { field: string; message: string }[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
  }

  /** What the customer reads: the service's own words, with the fields it names. */
  describe(): string {
    const fields = (this.problem.errors ?? []).map((error) => error.message).join('; ');
    return fields ? `${this.message} (${fields})` : this.message;
  }
}

/** An API path with every interpolated id encoded: `apiPath\`/v1/refunds/${id}\``. */
export function apiPath(strings: TemplateStringsArray, ...ids: string[]): string {
  return strings.reduce((path, part, i) => path + encodeURIComponent(ids[i - 1]) + part);
}

/**
 * The public REST API with the customer's token, asking for texts in the page's language. The
 * token travels in the Authorization header only, never in a URL.
 */
export class Api {
  constructor(
    private readonly token: string | null,
    private readonly language: Language,
    private readonly onUnauthenticated: () => void = () => undefined,
  ) {}

  get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    const search = new URLSearchParams(query).toString();
    return this.json<T>('GET', search ? `${path}?${search}` : path);
  }

  post<T>(path: string, body: unknown = {}, ifMatch?: number): Promise<T> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      // A retry of the same action (a flaky phone connection) is answered once.
      'Idempotency-Key': crypto.randomUUID(),
    };
    if (ifMatch !== undefined) headers['If-Match'] = `"${ifMatch}"`;
    return this.json<T>('POST', path, { headers, body: JSON.stringify(body) });
  }

  upload<T>(path: string, file: Blob, name: string, kind: string): Promise<T> {
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', file, name);
    return this.json<T>('POST', path, { body: form });
  }

  private async json<T>(method: string, path: string, init: RequestInit = {}): Promise<T> {
    const headers = new Headers(init.headers);
    headers.set('Accept-Language', this.language);
    if (this.token) headers.set('Authorization', `Bearer ${this.token}`);
    let response: Response;
    try {
      response = await fetch(path, { ...init, method, headers, cache: 'no-store' });
    } catch {
      throw new ApiError({ status: 0, code: 'UNREACHABLE' });
    }
    if (!response.ok) {
      let problem: Problem = { status: response.status };
      try {
        problem = { ...((await response.json()) as Problem), status: response.status };
      } catch {
        // Not problem+json (a proxy's page): the status alone.
      }
      if (response.status === 401) this.onUnauthenticated();
      throw new ApiError(problem);
    }
    return (await response.json()) as T;
  }
}

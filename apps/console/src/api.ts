import type { Principal } from './types';

/** An RFC 9457 problem, as every API error is. */
export interface Problem {
  status: number;
  code?: string;
  title?: string;
  detail?: string;
  errors?: { field: string; message: string }[];
  requestId?: string;
}

/** What an agent should read when the API refuses, by the API's stable error code. */
export function plainMessage(problem: Problem): string {
  switch (problem.code) {
    case 'UNAUTHENTICATED':
      return 'Your sign-in is missing, invalid or has expired. Sign in again with a fresh agent token.';
    case 'FORBIDDEN':
      return 'Your role may not do this. The console needs an agent token.';
    case 'VALIDATION_FAILED':
    case 'MALFORMED_REQUEST': {
      const fields = (problem.errors ?? []).map((e) => e.message).join('; ');
      return `Some of what you entered was not accepted${fields ? `: ${fields}` : '.'}`;
    }
    case 'NOT_FOUND':
      return 'Nothing was found with that id.';
    case 'VERSION_MISMATCH':
      return (
        'Someone else changed this refund after you opened it (for example, another agent ' +
        'decided first). Nothing was done: the page now shows its current state, check it ' +
        'before acting again.'
      );
    case 'INVALID_TRANSITION':
      return (
        'This is not possible in the current state any more (most likely someone else acted ' +
        'first). Nothing was done: the page now shows the current state.'
      );
    case 'CONFLICT':
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'IDEMPOTENCY_KEY_IN_PROGRESS':
      return 'This clashed with another change at the same moment. Reload and try again.';
    case 'AMOUNT_EXCEEDS_REFUNDABLE':
      return 'This would refund more than what is left of the payment.';
    case 'EVIDENCE_MISSING':
    case 'DISPUTE_WINDOW_CLOSED':
    case 'RESPONSE_WINDOW_CLOSED':
    case 'TOO_MANY_ATTACHMENTS':
    case 'BUSINESS_RULE_VIOLATED':
      return `A business rule refused it: ${problem.detail ?? problem.code}`;
    case 'RATE_LIMITED':
      return 'Too many requests in the last minute. Wait a moment and try again.';
    case 'DATABASE_UNAVAILABLE':
      return 'The service cannot reach its database right now. Try again in a minute.';
    case 'PAYLOAD_TOO_LARGE':
    case 'UNSUPPORTED_MEDIA_TYPE':
    case 'INTERNAL_ERROR':
    case undefined:
    default:
      return problem.detail ?? problem.title ?? `The service answered ${problem.status}.`;
  }
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(plainMessage(problem));
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }
}

/**
 * An API path with every interpolated id encoded: ids from the address bar must not add path
 * segments or a query (`apiPath\`/v1/cases/${id}/messages\``).
 */
export function apiPath(strings: TemplateStringsArray, ...ids: string[]): string {
  return strings.reduce((path, part, i) => path + encodeURIComponent(ids[i - 1]) + part);
}

/** No answer, rate-limited or a server fault: worth trying again as it is. */
export function isTemporary(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  return error.status === 0 || error.status === 429 || error.status >= 500;
}

/** The network failed, not the API: no answer at all. */
const UNREACHABLE: Problem = {
  status: 0,
  code: 'UNREACHABLE',
  detail: 'The service cannot be reached. Check that it is running and your connection.',
};

export interface RequestOptions {
  body?: unknown;
  /** The refund version the agent saw: a stale one answers 412 instead of acting. */
  ifMatch?: number;
  query?: Record<string, string | number | undefined>;
}

/** The public REST API, called with the agent's bearer token. */
export class Api {
  constructor(
    private readonly token: string,
    private readonly onUnauthenticated: () => void = () => undefined,
  ) {}

  get<T>(path: string, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  post<T>(path: string, body: unknown = {}, ifMatch?: number): Promise<T> {
    return this.request<T>('POST', path, { body, ifMatch });
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    return (await response.json()) as T;
  }

  /** The bytes of a download (attachments need the bearer header, so no plain link). */
  async blob(path: string): Promise<Blob> {
    const response = await this.send('GET', path, {});
    return response.blob();
  }

  me(): Promise<Principal> {
    return this.get<Principal>('/v1/me');
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = new URL(path, window.location.origin);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}` };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (options.ifMatch !== undefined) headers['If-Match'] = `"${options.ifMatch}"`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(UNREACHABLE);
    }
    if (!response.ok) {
      const problem = await readProblem(response);
      if (problem.status === 401) this.onUnauthenticated();
      throw new ApiError(problem);
    }
    return response;
  }
}

async function readProblem(response: Response): Promise<Problem> {
  try {
    const body = (await response.json()) as Partial<Problem>;
    return { ...body, status: response.status };
  } catch {
    return { status: response.status, detail: `The service answered ${response.status}.` };
  }
}

const TOKEN_KEY = 'refund-desk.console.token';

/** The token lives in session storage only: it goes when the tab closes. */
export const tokenStore = {
  read: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  write: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

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

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body });
  }

  async delete(path: string): Promise<void> {
    await this.send('DELETE', path, {});
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

export const TOKEN_KEY = 'refund-desk.console.token';

/** The token's `exp` (seconds), if it is a JWT that carries one. */
export function tokenExpiry(token: string): number | undefined {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const payload = JSON.parse(atob(part)) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The token lives in local storage, shared by the browser's tabs (Ctrl+click opens a case signed
 * in) until it expires: an expired one is dropped when read.
 */
export const tokenStore = {
  read: (): string | null => {
    const token = localStorage.getItem(TOKEN_KEY);
    const exp = token ? tokenExpiry(token) : undefined;
    if (token && exp !== undefined && exp * 1000 <= Date.now()) {
      localStorage.removeItem(TOKEN_KEY);
      return null;
    }
    return token;
  },
  write: (token: string): void => localStorage.setItem(TOKEN_KEY, token),
  clear: (): void => localStorage.removeItem(TOKEN_KEY),
};

/**
 * What the agent is typing, kept in local storage per case, so that a reply survives an expired
 * sign-in, a reload or a closed tab; removed once it is sent.
 */
export const draftStore = {
  key: (caseId: string) => `refund-desk.console.draft.${caseId}`,
  read: (caseId: string): string => localStorage.getItem(draftStore.key(caseId)) ?? '',
  write: (caseId: string, text: string): void => {
    if (text) localStorage.setItem(draftStore.key(caseId), text);
    else localStorage.removeItem(draftStore.key(caseId));
  },
};

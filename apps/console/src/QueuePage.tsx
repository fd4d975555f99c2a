import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, apiPath } from './api';
import { formatDuration, formatMoney, humanize } from './format';
import { useNow } from './hooks';
import { Link, navigate, paths } from './router';
import { useSession } from './session';
import { slaState } from './sla';
import {
  CASE_PRIORITIES,
  CASE_REASONS,
  CASE_STATUSES,
  type Page,
  type Refund,
  type SupportCase,
} from './types';

const PAGE_SIZE = 50;
export const QUEUE_REFRESH_MS = 10_000;

/** The status filter's values besides a case status: open cases (the default), or any. */
const OPEN_ONLY = '';
const ANY_STATUS = 'any';

interface Filters {
  /** OPEN_ONLY, ANY_STATUS or a case status. */
  status: string;
  priority: string;
  reason: string;
  mine: boolean;
  breached: boolean;
}

function readFilters(search: URLSearchParams): Filters {
  return {
    status: search.get('status') ?? '',
    priority: search.get('priority') ?? '',
    reason: search.get('reason') ?? '',
    mine: search.get('mine') === '1',
    breached: search.get('breached') === '1',
  };
}

function writeFilters(filters: Filters): string {
  const search = new URLSearchParams();
  if (filters.status) search.set('status', filters.status);
  if (filters.priority) search.set('priority', filters.priority);
  if (filters.reason) search.set('reason', filters.reason);
  if (filters.mine) search.set('mine', '1');
  if (filters.breached) search.set('breached', '1');
  return search.toString();
}

/**
 * The support queue, most urgent first. Filters live in the address (back and forward keep
 * them); the list refreshes in place every few seconds, keeping rows, focus and scroll.
 */
export function QueuePage({ search }: { search: URLSearchParams }) {
  const { api, me } = useSession();
  const filters = readFilters(search);
  const filterKey = writeFilters(filters);
  const [cases, setCases] = useState<SupportCase[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [refunds, setRefunds] = useState<Record<string, Refund>>({});
  const loaded = useRef(0);
  const requested = useRef(new Set<string>());
  const mounted = useRef(false);
  // Every list request takes a number; only the latest one's answer applies (an earlier
  // filter's, or a poll overtaken by "Show more", is dropped). `pending` is the running one.
  const latest = useRef(0);
  const pending = useRef(0);
  const now = useNow();

  const query = useCallback(
    (cursor?: string, limit = PAGE_SIZE) => ({
      open: filters.status === OPEN_ONLY ? 'true' : undefined,
      status:
        filters.status === OPEN_ONLY || filters.status === ANY_STATUS ? undefined : filters.status,
      priority: filters.priority || undefined,
      reason: filters.reason || undefined,
      assigneeId: filters.mine ? me.id : undefined,
      breached: filters.breached ? 'true' : undefined,
      limit,
      cursor,
    }),
    // filterKey stands for the filters, which are a new object at every render.
    [filterKey, me.id],
  );

  const begin = (): number => {
    latest.current += 1;
    pending.current = latest.current;
    setLoading(true);
    return latest.current;
  };
  const end = (mine: number): void => {
    if (mine !== latest.current) return;
    pending.current = 0;
    setLoading(false);
  };

  /**
   * Reloads as many rows as are shown now (at least one page), from the top. A poll leaves a
   * running request alone; "Refresh now" and a filter change supersede it.
   */
  const refresh = useCallback(
    async (poll = false) => {
      if (poll && pending.current) return;
      const mine = begin();
      try {
        const rows: SupportCase[] = [];
        let cursor: string | undefined;
        let next: string | null = null;
        do {
          const page = await api.get<Page<SupportCase>>('/v1/cases', query(cursor));
          rows.push(...page.data);
          next = page.nextCursor;
          cursor = next ?? undefined;
        } while (next && rows.length < loaded.current);
        if (mine !== latest.current) return;
        loaded.current = Math.max(rows.length, PAGE_SIZE);
        setCases(rows);
        setNextCursor(next);
        setError(null);
        setUpdatedAt(Date.now());
      } catch (caught) {
        if (mine === latest.current) {
          setError(caught instanceof ApiError ? caught.message : String(caught));
        }
      } finally {
        end(mine);
      }
    },
    // begin and end touch only refs and a state setter: any render's copy will do.
    [api, query],
  );

  const showMore = async () => {
    if (!nextCursor || !cases) return;
    const mine = begin();
    try {
      const page = await api.get<Page<SupportCase>>('/v1/cases', query(nextCursor));
      if (mine !== latest.current) return;
      const rows = [...cases, ...page.data];
      loaded.current = rows.length;
      setCases(rows);
      setNextCursor(page.nextCursor);
    } catch (caught) {
      if (mine === latest.current) {
        setError(caught instanceof ApiError ? caught.message : String(caught));
      }
    } finally {
      end(mine);
    }
  };

  useEffect(() => {
    loaded.current = PAGE_SIZE;
    setCases(null);
    void refresh();
    const timer = window.setInterval(() => {
      if (!document.hidden) void refresh(true);
    }, QUEUE_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [refresh]);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  // The amount is the refund's: fetched once per refund, a few at a time. The answers are kept
  // while the page is open even when the rows changed meanwhile (a poll, another filter): an id
  // is marked as requested once, so an answer dropped would never be asked for again.
  useEffect(() => {
    const missing = [
      ...new Set((cases ?? []).flatMap((c) => (c.refundId ? [c.refundId] : []))),
    ].filter((id) => !requested.current.has(id));
    missing.forEach((id) => requested.current.add(id));
    const worker = async () => {
      for (let id = missing.shift(); id; id = missing.shift()) {
        try {
          const refund = await api.get<Refund>(apiPath`/v1/refunds/${id}`);
          if (mounted.current) setRefunds((known) => ({ ...known, [id]: refund }));
        } catch {
          // Asked again with the next rows (the next poll).
          requested.current.delete(id);
        }
      }
    };
    void Promise.all([worker(), worker(), worker(), worker()]);
  }, [api, cases]);

  const setFilter = (change: Partial<Filters>) => {
    navigate(paths.queue(writeFilters({ ...filters, ...change })), { replace: true });
  };

  return (
    <>
      <div className="page-head">
        <h1>Support queue</h1>
        <p className="refresh-line" aria-live="off">
          <span>
            {loading ? 'Refreshing…' : updatedAt ? `Updated ${formatClock(updatedAt)}` : ''}
          </span>
          <button type="button" onClick={() => void refresh()}>
            Refresh now
          </button>
        </p>
      </div>
      <form className="filters" aria-label="Filter the queue" onSubmit={(e) => e.preventDefault()}>
        <Select
          id="filter-status"
          label="Status"
          value={filters.status}
          options={[[OPEN_ONLY, 'Open (any)'], ...choices(CASE_STATUSES), [ANY_STATUS, 'Any']]}
          onChange={(status) => setFilter({ status })}
        />
        <Select
          id="filter-priority"
          label="Priority"
          value={filters.priority}
          options={[['', 'Any'], ...choices(CASE_PRIORITIES)]}
          onChange={(priority) => setFilter({ priority })}
        />
        <Select
          id="filter-reason"
          label="Reason"
          value={filters.reason}
          options={[['', 'Any'], ...choices(CASE_REASONS)]}
          onChange={(reason) => setFilter({ reason })}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={filters.mine}
            onChange={(event) => setFilter({ mine: event.target.checked })}
          />
          Mine only
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={filters.breached}
            onChange={(event) => setFilter({ breached: event.target.checked })}
          />
          Breached only
        </label>
      </form>
      <div className="error-slot">
        {error && (
          <p className="banner error" role="alert">
            {error}
          </p>
        )}
      </div>
      <table className="queue">
        <caption className="visually-hidden">
          Support cases, most urgent first{cases ? `: ${cases.length} shown` : ''}
        </caption>
        <colgroup>
          <col className="c-priority" />
          <col className="c-reason" />
          <col className="c-customer" />
          <col className="c-amount" />
          <col className="c-age" />
          <col className="c-assignee" />
          <col className="c-sla" />
          <col className="c-status" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Priority</th>
            <th scope="col">Reason</th>
            <th scope="col">Customer</th>
            <th scope="col" className="num">
              Refund amount
            </th>
            <th scope="col">Age</th>
            <th scope="col">Assignee</th>
            <th scope="col">SLA</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {cases?.map((supportCase) => {
            const sla = slaState(supportCase, now);
            const refund = supportCase.refundId ? refunds[supportCase.refundId] : undefined;
            return (
              <tr key={supportCase.id} className={sla.breached ? 'breached' : undefined}>
                <td>
                  <span className={`priority p-${supportCase.priority.toLowerCase()}`}>
                    {humanize(supportCase.priority)}
                  </span>
                </td>
                <td>
                  <Link
                    href={paths.case(supportCase.id)}
                    aria-label={`Open the ${humanize(supportCase.reason).toLowerCase()} case of ${supportCase.customerId}`}
                  >
                    {humanize(supportCase.reason)}
                  </Link>
                </td>
                <td>{supportCase.customerId}</td>
                <td className="num">
                  {refund
                    ? formatMoney(refund.amount, refund.currency)
                    : supportCase.refundId
                      ? '…'
                      : '—'}
                </td>
                <td>{formatDuration(now - Date.parse(supportCase.createdAt))}</td>
                <td>{supportCase.assigneeId ?? <span className="muted">Unassigned</span>}</td>
                <td className={sla.breached ? 'sla breached' : 'sla'}>{sla.text}</td>
                <td>{humanize(supportCase.status)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {cases === null && !error && <p className="muted">Loading the queue…</p>}
      {cases?.length === 0 && <p className="empty">No cases match these filters.</p>}
      {nextCursor && (
        <button type="button" onClick={() => void showMore()}>
          Show more cases
        </button>
      )}
    </>
  );
}

/** [value, label] pairs for a select. */
function choices(values: readonly string[]): [string, string][] {
  return values.map((value) => [value, humanize(value)]);
}

function Select(props: {
  id: string;
  label: string;
  value: string;
  options: [value: string, label: string][];
  onChange: (value: string) => void;
}) {
  return (
    <span className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      >
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </span>
  );
}

function formatClock(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB');
}

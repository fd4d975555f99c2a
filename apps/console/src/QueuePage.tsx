import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, apiPath } from './api';
import { openRow } from './CaseList';
import { formatDuration, formatMoney, formatTime, humanize } from './format';
import { useNow } from './hooks';
import { Link, navigate, paths } from './router';
import { useSession } from './session';
import { slaState } from './sla';
import { ShortcutHelp } from './ShortcutHelp';
import { queueOrder, useShortcuts } from './workflow';
import {
  CASE_PRIORITIES,
  CASE_REASONS,
  CASE_STATUSES,
  type CaseCounts,
  type Page,
  type QueueCase,
  type Refund,
} from './types';

const PAGE_SIZE = 50;
export const QUEUE_REFRESH_MS = 10_000;

/** The status filter's values besides a case status: open cases (the default), or any. */
const OPEN_ONLY = '';
const ANY_STATUS = 'any';

/** The saved views: each a tab with its number of open cases. */
export const VIEWS = [
  { id: '', label: 'All open' },
  { id: 'mine', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'breached', label: 'Breached' },
  { id: 'disputes', label: 'Disputes' },
  { id: 'stolen', label: 'Stolen wallet' },
  { id: 'attention', label: 'Needs attention' },
] as const;
type View = (typeof VIEWS)[number]['id'];

const SORTS = ['priority', 'due', 'createdAt', 'lastActivityAt'] as const;
type Sort = (typeof SORTS)[number];

interface Filters {
  view: View;
  sort: Sort;
  /** OPEN_ONLY, ANY_STATUS or a case status. */
  status: string;
  priority: string;
  reason: string;
}

function readFilters(search: URLSearchParams): Filters {
  const view = VIEWS.find((v) => v.id === search.get('view'))?.id ?? '';
  const sort = SORTS.find((s) => s === search.get('sort')) ?? 'priority';
  return {
    view,
    sort,
    status: search.get('status') ?? '',
    priority: search.get('priority') ?? '',
    reason: search.get('reason') ?? '',
  };
}

function writeFilters(filters: Filters): string {
  const search = new URLSearchParams();
  if (filters.view) search.set('view', filters.view);
  if (filters.sort !== 'priority') search.set('sort', filters.sort);
  if (filters.status) search.set('status', filters.status);
  if (filters.priority) search.set('priority', filters.priority);
  if (filters.reason) search.set('reason', filters.reason);
  return search.toString();
}

/** The number shown on each view's tab, from one call (the attention list counted apart). */
function viewCount(view: View, counts: CaseCounts | null, attention: number | null) {
  if (view === 'attention') return attention;
  if (!counts) return null;
  switch (view) {
    case '':
      return null;
    case 'mine':
      return counts.mine;
    case 'unassigned':
      return counts.unassigned;
    case 'breached':
      return counts.breached;
    case 'disputes':
      return counts.disputes;
    case 'stolen':
      return counts.stolenWallet;
  }
}

/**
 * The support queue, most urgent first. Filters live in the address (back and forward keep
 * them); the list refreshes in place every few seconds, keeping rows, focus and scroll.
 */
export function QueuePage({ search }: { search: URLSearchParams }) {
  const { api, me } = useSession();
  const filters = readFilters(search);
  const filterKey = writeFilters(filters);
  const [cases, setCases] = useState<QueueCase[] | null>(null);
  const [attention, setAttention] = useState<Refund[] | null>(null);
  const [counts, setCounts] = useState<CaseCounts | null>(null);
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
    (cursor?: string, limit = PAGE_SIZE) => {
      const view = filters.view;
      const openOnly = view !== '' || filters.status === OPEN_ONLY;
      return {
        open: openOnly ? 'true' : undefined,
        status:
          view !== '' || filters.status === OPEN_ONLY || filters.status === ANY_STATUS
            ? undefined
            : filters.status,
        priority: filters.priority || undefined,
        reason:
          view === 'disputes'
            ? 'DISPUTE'
            : view === 'stolen'
              ? 'UNAUTHORIZED_TRANSACTION'
              : filters.reason || undefined,
        assigneeId: view === 'mine' ? me.id : undefined,
        unassigned: view === 'unassigned' ? 'true' : undefined,
        breached: view === 'breached' ? 'true' : undefined,
        sort: filters.sort === 'priority' ? undefined : filters.sort,
        limit,
        cursor,
      };
    },
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
        const [viewCounts, needing] = await Promise.all([
          api.get<CaseCounts>('/v1/cases/counts'),
          api.get<Page<Refund>>('/v1/refunds', { attention: 'true', limit: 100 }),
        ]);
        if (mine !== latest.current) return;
        setCounts(viewCounts);
        setAttention(needing.data);
        if (filters.view === 'attention') {
          setCases([]);
          setNextCursor(null);
          setError(null);
          setUpdatedAt(Date.now());
          return;
        }
        const rows: QueueCase[] = [];
        let cursor: string | undefined;
        let next: string | null = null;
        do {
          const page = await api.get<Page<QueueCase>>('/v1/cases', query(cursor));
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
    [api, query, filters.view],
  );

  const showMore = async () => {
    if (!nextCursor || !cases) return;
    const mine = begin();
    try {
      const page = await api.get<Page<QueueCase>>('/v1/cases', query(nextCursor));
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

  // "Next case" on a case page follows the queue as the agent last saw it.
  useEffect(() => {
    if (cases) queueOrder.write(cases.map((c) => c.id));
  }, [cases]);

  const [selected, setSelected] = useState(-1);
  const [help, setHelp] = useState(false);
  const tableRef = useRef<HTMLTableElement>(null);
  const shortcuts = useMemo(() => {
    const rowLinks = () => [...(tableRef.current?.querySelectorAll('tbody tr a') ?? [])];
    const move = (step: number) => {
      const links = rowLinks();
      if (links.length === 0) return;
      const next = Math.min(Math.max(selected + step, 0), links.length - 1);
      setSelected(next);
      (links[next] as HTMLElement).focus();
    };
    const open = () => {
      const link = rowLinks()[Math.max(selected, 0)] as HTMLAnchorElement | undefined;
      if (link) navigate(link.getAttribute('href') ?? paths.queue());
    };
    return { j: () => move(1), k: () => move(-1), o: open, '?': () => setHelp((shown) => !shown) };
  }, [selected]);
  useShortcuts(shortcuts);

  const setFilter = (change: Partial<Filters>) => {
    navigate(paths.queue(writeFilters({ ...filters, ...change })), { replace: true });
  };

  const sortBy = (sort: Sort) => setFilter({ sort });
  const sortHeader = (sort: Sort, label: string, className?: string) => (
    <th
      scope="col"
      className={className}
      aria-sort={
        filters.sort === sort
          ? sort === 'priority' || sort === 'due'
            ? 'ascending'
            : 'descending'
          : undefined
      }
    >
      <button type="button" className="sort" onClick={() => sortBy(sort)}>
        {label}
        {filters.sort === sort ? ' ▾' : ''}
      </button>
    </th>
  );

  return (
    <>
      <div className="page-head">
        <h1>Support queue</h1>
        <p className="refresh-line" aria-live="off">
          <span>
            {loading
              ? 'Refreshing…'
              : updatedAt
                ? `Updated ${formatTime(new Date(updatedAt).toISOString())}`
                : ''}
          </span>
          <button type="button" onClick={() => void refresh()}>
            Refresh now
          </button>
        </p>
      </div>
      {help && (
        <ShortcutHelp
          keys={[
            ['j / k', 'Next / previous case'],
            ['o or Enter', 'Open the case'],
            ['?', 'Show or hide these shortcuts'],
          ]}
          onClose={() => setHelp(false)}
        />
      )}
      <nav className="views" aria-label="Queue views">
        {VIEWS.map((view) => {
          const count = viewCount(view.id, counts, attention?.length ?? null);
          const current = filters.view === view.id;
          return (
            <Link
              key={view.id || 'all'}
              href={paths.queue(writeFilters({ ...filters, view: view.id }))}
              aria-current={current ? 'page' : undefined}
              className={current ? 'view current' : 'view'}
            >
              {view.label}
              {count !== null && <span className="count">{count}</span>}
            </Link>
          );
        })}
      </nav>
      {filters.view !== 'attention' && (
        <form
          className="filters"
          aria-label="Filter the queue"
          onSubmit={(e) => e.preventDefault()}
        >
          {filters.view === '' && (
            <Select
              id="filter-status"
              label="Status"
              value={filters.status}
              options={[[OPEN_ONLY, 'Open (any)'], ...choices(CASE_STATUSES), [ANY_STATUS, 'Any']]}
              onChange={(status) => setFilter({ status })}
            />
          )}
          <Select
            id="filter-priority"
            label="Priority"
            value={filters.priority}
            options={[['', 'Any'], ...choices(CASE_PRIORITIES)]}
            onChange={(priority) => setFilter({ priority })}
          />
          {filters.view !== 'disputes' && filters.view !== 'stolen' && (
            <Select
              id="filter-reason"
              label="Reason"
              value={filters.reason}
              options={[['', 'Any'], ...choices(CASE_REASONS)]}
              onChange={(reason) => setFilter({ reason })}
            />
          )}
          <Select
            id="filter-sort"
            label="Sort by"
            value={filters.sort}
            options={[
              ['priority', 'Urgency'],
              ['due', 'Due soonest'],
              ['createdAt', 'Newest'],
              ['lastActivityAt', 'Latest activity'],
            ]}
            onChange={(sort) => setFilter({ sort: sort as Sort })}
          />
        </form>
      )}
      <div className="error-slot">
        {error && (
          <p className="banner error" role="alert">
            {error}
          </p>
        )}
      </div>
      {filters.view === 'attention' ? (
        <AttentionList refunds={attention} />
      ) : (
        <table className="queue" ref={tableRef}>
          <caption className="visually-hidden">
            Support cases{cases ? `: ${cases.length} shown` : ''}
          </caption>
          <thead>
            <tr>
              {sortHeader('priority', 'Priority')}
              <th scope="col">Case</th>
              <th scope="col">Customer · merchant</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col">Refund</th>
              {sortHeader('due', 'SLA')}
              {sortHeader('createdAt', 'Age')}
              <th scope="col">Assignee</th>
              {sortHeader('lastActivityAt', 'Last activity')}
            </tr>
          </thead>
          <tbody>
            {cases?.map((supportCase) => {
              const sla = slaState(supportCase, now);
              const refund = supportCase.refundId ? refunds[supportCase.refundId] : undefined;
              const rowClass = ['row-link', sla.breached ? 'breached' : ''].join(' ').trim();
              return (
                <tr
                  key={supportCase.id}
                  className={rowClass}
                  onClick={(event) => openRow(event, paths.case(supportCase.id))}
                >
                  <td data-label="Priority">
                    <span className={`priority p-${supportCase.priority.toLowerCase()}`}>
                      {humanize(supportCase.priority)}
                    </span>
                  </td>
                  <td data-label="Case" className="case-cell">
                    <Link
                      href={paths.case(supportCase.id)}
                      aria-label={`Open the ${humanize(supportCase.reason).toLowerCase()} case of ${supportCase.customerId}`}
                    >
                      {humanize(supportCase.reason)}
                    </Link>
                    <span className="subject">{supportCase.subject ?? 'No description'}</span>
                  </td>
                  <td data-label="Parties">
                    {supportCase.customerId} · {supportCase.merchantId ?? '—'}
                  </td>
                  <td data-label="Amount" className="num">
                    {refund
                      ? formatMoney(refund.amount, refund.currency)
                      : supportCase.refundId
                        ? '…'
                        : '—'}
                  </td>
                  <td data-label="Refund">
                    {supportCase.refundStatus ? humanize(supportCase.refundStatus) : '—'}
                  </td>
                  <td data-label="SLA" className={sla.breached ? 'sla breached' : 'sla'}>
                    {sla.text}
                  </td>
                  <td data-label="Age">
                    {formatDuration(now - Date.parse(supportCase.createdAt))}
                  </td>
                  <td data-label="Assignee">
                    {supportCase.assigneeId ?? <span className="muted">Unassigned</span>}
                  </td>
                  <td data-label="Last activity" className="activity">
                    <span className="when-line">{formatTime(supportCase.lastActivityAt)}</span>
                    {supportCase.awaitingAgent && (
                      <span className="awaiting">Customer replied</span>
                    )}
                    <span className="status-line">{humanize(supportCase.status)}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {filters.view !== 'attention' && cases === null && !error && (
        <p className="muted">Loading the queue…</p>
      )}
      {filters.view !== 'attention' && cases?.length === 0 && (
        <p className="empty">No cases match these filters.</p>
      )}
      {nextCursor && filters.view !== 'attention' && (
        <button type="button" onClick={() => void showMore()}>
          Show more cases
        </button>
      )}
    </>
  );
}

/** Refunds that need an agent but have no open case (failed payouts): they never reach the queue. */
function AttentionList({ refunds }: { refunds: Refund[] | null }) {
  if (refunds === null) return <p className="muted">Loading…</p>;
  if (refunds.length === 0) return <p className="empty">No refund needs attention.</p>;
  return (
    <table className="queue attention">
      <caption className="visually-hidden">Refunds that need attention</caption>
      <thead>
        <tr>
          <th scope="col">Refund</th>
          <th scope="col">Customer · merchant</th>
          <th scope="col" className="num">
            Amount
          </th>
          <th scope="col">Why</th>
          <th scope="col">Since</th>
        </tr>
      </thead>
      <tbody>
        {refunds.map((refund) => (
          <tr
            key={refund.id}
            className="row-link"
            onClick={(event) => openRow(event, paths.refund(refund.id))}
          >
            <td data-label="Refund">
              <Link href={paths.refund(refund.id)}>{humanize(refund.status)}</Link>
            </td>
            <td data-label="Parties">
              {refund.customerId} · {refund.merchantId}
            </td>
            <td data-label="Amount" className="num">
              {formatMoney(refund.amount, refund.currency)}
            </td>
            <td data-label="Why">
              {refund.status === 'APPROVED' && refund.payoutHeld
                ? "Approved, but the customer's payouts are held (security report open)"
                : (refund.payoutFailureReason ?? 'Payout failed')}
            </td>
            <td data-label="Since">{formatTime(refund.updatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
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

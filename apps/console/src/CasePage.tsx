import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError, apiPath, draftStore, isTemporary } from './api';
import { ConfirmDialog } from './ActionDialog';
import { formatActor, formatTime, humanize, withLocalTimes } from './format';
import { useNow } from './hooks';
import { NoticeBanner, type Notice } from './Notice';
import { RefundActions } from './refund-actions';
import { Evidence, NegotiationTable, RefundSummary, Timeline, useRefundData } from './refund-parts';
import { Link, navigate, paths } from './router';
import { SecurityReportPanel } from './SecurityReportPanel';
import { ShortcutHelp } from './ShortcutHelp';
import { queueOrder, recentAssignees, useShortcuts } from './workflow';
import { useSession } from './session';
import { slaState } from './sla';
import {
  OPEN_CASE_STATUSES,
  type CaseHistoryEntry,
  type CaseMessage,
  type Macro,
  type RefundStatus,
  type SupportCase,
} from './types';

export const CASE_REFRESH_MS = 4_000;
const PRESENCE_MS = 15_000;

/** The other agents who have the case open, from a heartbeat every 15 s. */
function usePresence(caseId: string): string[] {
  const { api, me } = useSession();
  const [viewers, setViewers] = useState<string[]>([]);
  useEffect(() => {
    let stopped = false;
    const beat = () =>
      api
        .post<{ viewers: string[] }>(apiPath`/v1/cases/${caseId}/presence`)
        .then((answer) => {
          if (!stopped) setViewers(answer.viewers.filter((agent) => agent !== me.id));
        })
        .catch(() => undefined);
    void beat();
    const timer = window.setInterval(() => void beat(), PRESENCE_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [api, caseId, me.id]);
  return viewers;
}

/** One case: the refund, its evidence and timeline, and the conversation, on one screen. */
export function CasePage({ id }: { id: string }) {
  const { api } = useSession();
  const [supportCase, setCase] = useState<SupportCase | null>(null);
  const [messages, setMessages] = useState<CaseMessage[]>([]);
  const [history, setHistory] = useState<CaseHistoryEntry[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const refund = useRefundData(supportCase?.refundId ?? null);

  // Only the latest reload's answer applies: a poll begun before an action must not bring the
  // case back as it was before it.
  const latestLoad = useRef(0);
  const reloadCase = useCallback(async () => {
    const mine = ++latestLoad.current;
    try {
      const [found, conversation, changes] = await Promise.all([
        api.get<SupportCase>(apiPath`/v1/cases/${id}`),
        api.get<CaseMessage[]>(apiPath`/v1/cases/${id}/messages`),
        api.get<CaseHistoryEntry[]>(apiPath`/v1/cases/${id}/history`),
      ]);
      if (mine !== latestLoad.current) return;
      setCase(found);
      setMessages(conversation);
      setHistory(changes);
      setLoadError(null);
    } catch (caught) {
      if (mine !== latestLoad.current) return;
      setLoadError(caught instanceof ApiError ? caught.message : String(caught));
    }
  }, [api, id]);

  // Updates arrive within seconds without a reload (a customer's reply, another agent's change).
  useEffect(() => {
    void reloadCase();
    const timer = window.setInterval(() => {
      if (!document.hidden) void reloadCase();
    }, CASE_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reloadCase]);

  // The refund too: another agent's decision shows without a reload.
  const reloadRefund = refund.reload;
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (!document.hidden) void reloadRefund();
    }, CASE_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reloadRefund]);

  const viewers = usePresence(id);
  const [help, setHelp] = useState(false);
  const shortcuts = useMemo(() => {
    const go = (step: 1 | -1) => {
      const other = queueOrder.neighbour(id, step);
      if (other) navigate(paths.case(other));
    };
    const reply = (internal: boolean) => {
      const box = document.getElementById('reply-body') as HTMLTextAreaElement | null;
      const note = document.getElementById('reply-internal') as HTMLInputElement | null;
      if (note && note.checked !== internal) note.click();
      box?.focus();
    };
    return {
      j: () => go(1),
      k: () => go(-1),
      r: () => reply(false),
      n: () => reply(true),
      '?': () => setHelp((shown) => !shown),
    };
  }, [id]);
  useShortcuts(shortcuts);
  const nextCase = queueOrder.neighbour(id);

  const reloadAll = async () => {
    await Promise.all([reloadCase(), refund.reload()]);
  };

  if (loadError && !supportCase) {
    return (
      <>
        <h1>Case {id}</h1>
        <p className="banner error" role="alert">
          {loadError}
        </p>
      </>
    );
  }
  if (!supportCase) return <p className="muted">Loading the case…</p>;

  return (
    <>
      <div className="page-head">
        <h1>
          {humanize(supportCase.reason)} case · {supportCase.customerId}
        </h1>
        <span className="head-actions">
          {nextCase && (
            <Link href={paths.case(nextCase)} className="button-link">
              Next case
            </Link>
          )}
          <button type="button" onClick={() => void reloadAll()}>
            Reload
          </button>
        </span>
      </div>
      {help && (
        <ShortcutHelp
          keys={[
            ['j / k', 'Next / previous case of the queue'],
            ['r', 'Reply to the customer'],
            ['n', 'Write an internal note'],
            ['?', 'Show or hide these shortcuts'],
          ]}
          onClose={() => setHelp(false)}
        />
      )}
      {viewers.length > 0 && (
        <p className="presence" role="status">
          Also viewing: {viewers.join(', ')}
        </p>
      )}
      {loadError && (
        <p className="banner error" role="alert">
          The case could not be reloaded: {loadError}
        </p>
      )}
      <NoticeBanner notice={notice} />
      <div className="columns">
        {supportCase.securityReportId ? (
          <div className="column">
            <SecurityReportPanel
              id={supportCase.securityReportId}
              onReleased={(text) => {
                setNotice({ kind: 'ok', text });
                void reloadCase();
              }}
              onRefused={(text) => {
                setNotice({ kind: 'error', text });
                void reloadCase();
              }}
            />
          </div>
        ) : (
          <div className="column">
            <section aria-labelledby="refund-title" className="panel">
              <h2 id="refund-title">Refund</h2>
              {refund.error && <p className="banner error">{refund.error}</p>}
              {refund.data ? (
                <>
                  <RefundSummary refund={refund.data.refund} />
                  <RefundActions
                    refund={refund.data.refund}
                    onDone={(updated) => {
                      setNotice({
                        kind: 'ok',
                        text: `Done: the refund is now ${humanize(updated.status)}.`,
                      });
                      void reloadAll();
                    }}
                    onRefused={(message) => {
                      setNotice({ kind: 'error', text: message });
                      void reloadAll();
                    }}
                  />
                  <p>
                    <Link href={paths.refund(refund.data.refund.id)}>All cases of this refund</Link>
                  </p>
                </>
              ) : (
                <p className="muted">Loading the refund…</p>
              )}
            </section>
            {/* The dispute statement, negotiation records and merchant's response are in the
                conversation: each is shown once. */}
            {refund.data && <Evidence attachments={refund.data.attachments} />}
            {refund.data && (
              <Timeline
                events={refund.data.events}
                notesElsewhere={['dispute', 'merchant-response', 'resolve-dispute']}
              />
            )}
          </div>
        )}
        <div className="column">
          <CasePanel
            supportCase={supportCase}
            refundStatus={refund.data?.refund.status}
            aboutRefund={supportCase.refundId !== null}
            onChanged={(text, updated) => {
              // The answer shows at once; the reload brings the conversation and history.
              setCase(updated);
              setNotice({ kind: 'ok', text });
              void reloadCase();
            }}
            onRefused={(text) => {
              setNotice({ kind: 'error', text });
              void reloadCase();
            }}
          />
          <Conversation
            supportCase={supportCase}
            messages={messages}
            fileName={(attachmentId) =>
              refund.data?.attachments.find((a) => a.id === attachmentId)?.fileName ?? attachmentId
            }
            onPosted={() => void reloadCase()}
          />
          <details className="history">
            <summary>Case history ({history.length})</summary>
            <ol>
              {history.map((entry) => (
                <li key={entry.sequence}>
                  <span className="when">{formatTime(entry.createdAt)}</span>{' '}
                  <strong>{humanize(entry.change)}</strong>{' '}
                  <span className="muted">by {formatActor(entry.actor)}</span>
                </li>
              ))}
            </ol>
          </details>
        </div>
      </div>
    </>
  );
}

type CaseAction = 'assign' | 'pending' | 'hold' | 'solve';

/** Assign to another agent; the agents assigned to lately are suggested. */
function AssignTo(props: { busy: boolean; onAssign: (agentId: string) => void }) {
  const [agentId, setAgentId] = useState('');
  const [recent] = useState(recentAssignees.read);
  return (
    <form
      className="assign-to"
      onSubmit={(event) => {
        event.preventDefault();
        if (agentId.trim()) props.onAssign(agentId.trim());
      }}
    >
      <label htmlFor="assign-to">Assign to</label>
      <input
        id="assign-to"
        list="recent-assignees"
        placeholder="agent id"
        value={agentId}
        onChange={(event) => setAgentId(event.target.value)}
      />
      <datalist id="recent-assignees">
        {recent.map((id) => (
          <option key={id} value={id} />
        ))}
      </datalist>
      <button type="submit" disabled={props.busy || !agentId.trim()}>
        Assign
      </button>
    </form>
  );
}

function CasePanel(props: {
  supportCase: SupportCase;
  /** Undefined until the refund is loaded (and for a case about no refund). */
  refundStatus: RefundStatus | undefined;
  /** False for a security report's case: no refund to wait for. */
  aboutRefund: boolean;
  onChanged: (text: string, updated: SupportCase) => void;
  onRefused: (text: string) => void;
}) {
  const { api, me } = useSession();
  const { supportCase } = props;
  const now = useNow();
  const sla = slaState(supportCase, now);
  const [confirmSolve, setConfirmSolve] = useState(false);
  // One action at a time: a double click must not send the request twice (the second is a 409).
  const working = useRef(false);
  const [busy, setBusy] = useState(false);
  const isOpen = OPEN_CASE_STATUSES.includes(supportCase.status);
  // The API refuses to solve a case while its refund is disputed (the dispute decides it).
  const disputed = props.refundStatus === 'DISPUTED';

  /** Null when done or refused (the page says which); a message for the dialog to retry. */
  const act = async (action: CaseAction, agentId = me.id): Promise<string | null> => {
    if (working.current) return null;
    working.current = true;
    setBusy(true);
    try {
      const body = action === 'assign' ? { agentId } : {};
      const updated = await api.post<SupportCase>(
        apiPath`/v1/cases/${supportCase.id}/${action}`,
        body,
      );
      if (action === 'assign' && agentId !== me.id) recentAssignees.add(agentId);
      props.onChanged(
        action === 'assign'
          ? agentId === me.id
            ? 'The case is assigned to you.'
            : `The case is assigned to ${agentId}.`
          : `The case is now ${humanize(updated.status)}.`,
        updated,
      );
      return null;
    } catch (caught) {
      const message = caught instanceof ApiError ? caught.message : String(caught);
      if (action === 'solve' && isTemporary(caught)) return message;
      props.onRefused(message);
      return null;
    } finally {
      working.current = false;
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="case-title" className="panel">
      <h2 id="case-title">Case</h2>
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>{humanize(supportCase.status)}</dd>
        </div>
        <div>
          <dt>Priority</dt>
          <dd>
            <span className={`priority p-${supportCase.priority.toLowerCase()}`}>
              {humanize(supportCase.priority)}
            </span>
          </dd>
        </div>
        <div>
          <dt>SLA</dt>
          <dd className={sla.breached ? 'sla breached' : 'sla'}>
            {sla.text}
            {sla.breached && ' (breached)'}
          </dd>
        </div>
        <div>
          <dt>First response due</dt>
          <dd>{formatTime(supportCase.firstResponseDueAt)}</dd>
        </div>
        <div>
          <dt>Resolution due</dt>
          <dd>{formatTime(supportCase.resolutionDueAt)}</dd>
        </div>
        <div>
          <dt>Assignee</dt>
          <dd>{supportCase.assigneeId ?? 'Unassigned'}</dd>
        </div>
        <div>
          <dt>Channel</dt>
          <dd>{humanize(supportCase.channel)}</dd>
        </div>
        <div>
          <dt>Opened</dt>
          <dd>{formatTime(supportCase.createdAt)}</dd>
        </div>
        {supportCase.outcome && (
          <div>
            <dt>Outcome</dt>
            <dd>{humanize(supportCase.outcome)}</dd>
          </div>
        )}
        {supportCase.rating && (
          <div>
            <dt>Customer rating</dt>
            <dd className="rating">
              <span aria-hidden="true">
                {'★'.repeat(supportCase.rating.score)}
                {'☆'.repeat(5 - supportCase.rating.score)}
              </span>{' '}
              {supportCase.rating.score}/5
              {supportCase.rating.comment && <q> {supportCase.rating.comment}</q>}
            </dd>
          </div>
        )}
      </dl>
      {isOpen && (
        <div className="actions" role="group" aria-label="Case actions" aria-busy={busy}>
          {supportCase.assigneeId !== me.id && (
            <button type="button" disabled={busy} onClick={() => void act('assign')}>
              Assign to me
            </button>
          )}
          <AssignTo busy={busy} onAssign={(agentId) => void act('assign', agentId)} />
          {supportCase.status !== 'PENDING_CUSTOMER' && (
            <button type="button" disabled={busy} onClick={() => void act('pending')}>
              Set pending customer
            </button>
          )}
          {supportCase.status !== 'ON_HOLD' && (
            <button type="button" disabled={busy} onClick={() => void act('hold')}>
              Put on hold
            </button>
          )}
          {(!props.aboutRefund || (props.refundStatus && !disputed)) && (
            <button type="button" disabled={busy} onClick={() => setConfirmSolve(true)}>
              Solve…
            </button>
          )}
          {disputed && (
            <p className="help">
              While the refund is disputed, the case is solved by resolving the dispute on the
              refund.
            </p>
          )}
        </div>
      )}
      {confirmSolve && (
        <ConfirmDialog
          title="Solve this case?"
          confirmLabel="Solve case"
          onConfirm={() => act('solve')}
          onClose={() => setConfirmSolve(false)}
        >
          <p>The customer may reopen it within 7 days.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function Conversation(props: {
  supportCase: SupportCase;
  messages: CaseMessage[];
  fileName: (id: string) => string;
  onPosted: () => void;
}) {
  const { api } = useSession();
  const caseId = props.supportCase.id;
  // The draft survives an expired sign-in, a reload or a closed tab.
  const [body, setBodyState] = useState(() => draftStore.read(caseId));
  const setBody = (text: string) => {
    setBodyState(text);
    draftStore.write(caseId, text);
  };
  const [internal, setInternal] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [macros, setMacros] = useState<Macro[]>([]);
  const [macroId, setMacroId] = useState('');
  const canPost = !['SOLVED', 'CLOSED'].includes(props.supportCase.status);

  useEffect(() => {
    api.get<Macro[]>('/v1/macros').then(setMacros, () => setMacros([]));
  }, [api]);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    const andNext =
      (event.nativeEvent as SubmitEvent).submitter?.getAttribute('data-next') === 'true';
    if (!macroId && !body.trim()) return setError('Write a message or choose a macro first.');
    setBusy(true);
    setError(null);
    try {
      await api.post(
        apiPath`/v1/cases/${caseId}/messages`,
        macroId ? { macroId } : { body: body.trim(), internal },
      );
      if (macroId) setMacroId('');
      else setBody('');
      const next = andNext ? queueOrder.neighbour(caseId) : undefined;
      if (next) navigate(paths.case(next));
      else props.onPosted();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="conversation-title">
      <h2 id="conversation-title">Conversation</h2>
      <ol className="messages">
        {props.messages.map((message) => (
          <li key={message.id} className={message.internal ? 'message internal' : 'message'}>
            <p className="message-head">
              <span className="tag">{message.internal ? 'Internal note' : 'Public'}</span>{' '}
              <strong>{formatActor(message.author)}</strong>{' '}
              <span className="muted">{formatTime(message.createdAt)}</span>
            </p>
            <p className="body">{withLocalTimes(message.body)}</p>
            {message.details?.negotiationRecords &&
              message.details.negotiationRecords.length > 0 && (
                <NegotiationTable
                  records={message.details.negotiationRecords}
                  fileName={props.fileName}
                />
              )}
          </li>
        ))}
      </ol>
      {canPost ? (
        <form className={internal ? 'reply internal' : 'reply'} onSubmit={(e) => void send(e)}>
          {macros.length > 0 && (
            <span className="field">
              <label htmlFor="reply-macro">Macro</label>
              <select
                id="reply-macro"
                value={macroId}
                onChange={(event) => setMacroId(event.target.value)}
              >
                <option value="">None: write the message</option>
                {macros.map((macro) => (
                  <option key={macro.id} value={macro.id}>
                    {macro.title}
                    {macro.internal ? ' (internal note)' : ''}
                  </option>
                ))}
              </select>
            </span>
          )}
          <label htmlFor="reply-body">{internal ? 'Internal note' : 'Reply to the customer'}</label>
          <textarea
            id="reply-body"
            rows={4}
            maxLength={4000}
            value={body}
            disabled={Boolean(macroId)}
            onChange={(event) => setBody(event.target.value)}
          />
          <label className="check">
            <input
              id="reply-internal"
              type="checkbox"
              checked={internal}
              onChange={(event) => setInternal(event.target.checked)}
            />
            Internal note (agents only; the customer never sees it)
          </label>
          {error && (
            <p className="banner error" role="alert">
              {error}
            </p>
          )}
          <span className="reply-buttons">
            <button type="submit" className="primary" disabled={busy}>
              {macroId ? 'Post macro' : internal ? 'Add internal note' : 'Send public reply'}
            </button>
            {queueOrder.neighbour(caseId) && (
              <button type="submit" data-next="true" disabled={busy}>
                {macroId ? 'Post and next case' : 'Send and next case'}
              </button>
            )}
          </span>
        </form>
      ) : (
        <p className="muted">The case is {humanize(props.supportCase.status)}: no new messages.</p>
      )}
    </section>
  );
}

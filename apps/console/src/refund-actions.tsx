import { useEffect, useState } from 'react';
import { ApiError, apiPath } from './api';
import { ConfirmDialog } from './ActionDialog';
import { formatActor, formatMoney, parseMoney } from './format';
import { useSession } from './session';
import type { Macro, Refund } from './types';

/** The refund actions an agent may take, in the order the console offers them. */
export const AGENT_ACTIONS = [
  'resolve-dispute',
  'approve',
  'reject',
  'request-info',
  'start-review',
  'offer',
  'withdraw-offer',
  'retry-payout',
] as const;
export type AgentAction = (typeof AGENT_ACTIONS)[number];

const LABELS: Record<AgentAction, string> = {
  'resolve-dispute': 'Resolve dispute…',
  approve: 'Approve…',
  reject: 'Reject…',
  'request-info': 'Request information…',
  'start-review': 'Start review…',
  offer: 'Make an offer…',
  'withdraw-offer': 'Withdraw the offer…',
  'retry-payout': 'Retry payout…',
};

/** Answers that mean the refund is not as the agent saw it: gone, or changed by someone else. */
const REFUSALS = [404, 409, 412];

export function agentActions(refund: Refund): AgentAction[] {
  return AGENT_ACTIONS.filter((action) => refund.nextActions.includes(action));
}

type Outcome = 'CUSTOMER_FAVOUR' | 'MERCHANT_FAVOUR';

/** Resolving a dispute: one button per outcome, so the dialog opens with it chosen. */
const OUTCOME_BUTTONS: [Outcome, string][] = [
  ['CUSTOMER_FAVOUR', "Resolve dispute: customer's favour…"],
  ['MERCHANT_FAVOUR', "Resolve dispute: merchant's favour…"],
];

/** The buttons for what `nextActions` offers, each opening its confirmation. */
export function RefundActions(props: {
  refund: Refund;
  onDone: (refund: Refund) => void;
  onRefused: (message: string) => void;
}) {
  const [open, setOpen] = useState<{ action: AgentAction; outcome?: Outcome } | null>(null);
  const actions = agentActions(props.refund);
  return (
    <div className="actions" role="group" aria-label="Refund actions">
      {actions.length === 0 && <p className="muted">No agent action is possible in this state.</p>}
      {actions.map((action) =>
        action === 'resolve-dispute' ? (
          OUTCOME_BUTTONS.map(([outcome, label]) => (
            <button
              key={outcome}
              type="button"
              className="primary-outline"
              onClick={() => setOpen({ action, outcome })}
            >
              {label}
            </button>
          ))
        ) : (
          <button
            key={action}
            type="button"
            className={action === 'reject' ? 'danger-outline' : 'primary-outline'}
            onClick={() => setOpen({ action })}
          >
            {LABELS[action]}
          </button>
        ),
      )}
      {open && (
        <RefundActionDialog
          key={`${open.action}-${open.outcome ?? ''}`}
          action={open.action}
          initialOutcome={open.outcome}
          refund={props.refund}
          onClose={() => setOpen(null)}
          onDone={props.onDone}
          onRefused={props.onRefused}
        />
      )}
    </div>
  );
}

function RefundActionDialog(props: {
  action: AgentAction;
  /** Resolving a dispute: the outcome the agent's button chose (the dialog may change it). */
  initialOutcome?: Outcome;
  refund: Refund;
  onClose: () => void;
  onDone: (refund: Refund) => void;
  onRefused: (message: string) => void;
}) {
  const { api } = useSession();
  const { action, refund } = props;
  // The version the agent decided on: a change since then answers 412 instead of acting.
  const [version] = useState(refund.version);
  const [text, setText] = useState('');
  const [internalNote, setInternalNote] = useState('');
  const [outcome, setOutcome] = useState<Outcome | ''>(props.initialOutcome ?? '');
  const [offered, setOffered] = useState('');
  const amount = formatMoney(refund.amount, refund.currency);
  const offeredMinor = parseMoney(offered, refund.currency);

  const body = (): Record<string, unknown> => {
    switch (action) {
      case 'resolve-dispute':
        return {
          outcome,
          note: text.trim(),
          ...(internalNote.trim() ? { internalNote: internalNote.trim() } : {}),
        };
      case 'approve':
        return text.trim() ? { note: text.trim() } : {};
      case 'reject':
        return { reason: text.trim() };
      case 'request-info':
        return { question: text.trim() };
      case 'offer':
        return { amount: offeredMinor, message: text.trim() };
      case 'start-review':
      case 'withdraw-offer':
      case 'retry-payout':
        return {};
    }
  };

  const confirm = async (): Promise<string | null> => {
    if (action === 'resolve-dispute' && !outcome) return 'Choose the outcome first.';
    if (action === 'offer' && (offeredMinor === null || offeredMinor >= refund.amount)) {
      return `Enter an amount above zero and below ${amount}.`;
    }
    try {
      const updated = await api.post<Refund>(
        apiPath`/v1/refunds/${refund.id}/${action}`,
        body(),
        version,
      );
      props.onDone(updated);
      return null;
    } catch (caught) {
      // A refund that changed or went away closes the dialog and reloads the page. Anything
      // else (input to fix, no answer, rate limit, a server fault) stays in the dialog with
      // what the agent typed, to correct or try again.
      if (caught instanceof ApiError && REFUSALS.includes(caught.status)) {
        props.onRefused(caught.message);
        return null;
      }
      return caught instanceof ApiError ? caught.message : String(caught);
    }
  };

  const common = { onConfirm: confirm, onClose: props.onClose };
  switch (action) {
    case 'resolve-dispute':
      return (
        <ConfirmDialog title="Resolve the dispute" confirmLabel="Resolve dispute" {...common}>
          <fieldset>
            <legend>Outcome</legend>
            <label className="check">
              <input
                type="radio"
                name="outcome"
                value="CUSTOMER_FAVOUR"
                checked={outcome === 'CUSTOMER_FAVOUR'}
                onChange={() => setOutcome('CUSTOMER_FAVOUR')}
                required
              />
              In the customer&apos;s favour: the refund of {amount} is approved
            </label>
            <label className="check">
              <input
                type="radio"
                name="outcome"
                value="MERCHANT_FAVOUR"
                checked={outcome === 'MERCHANT_FAVOUR'}
                onChange={() => setOutcome('MERCHANT_FAVOUR')}
              />
              In the merchant&apos;s favour: the refund is closed
            </label>
          </fieldset>
          {refund.caseId && <MacroPicker caseId={refund.caseId} onPick={setText} />}
          <TextField
            label="Message to the customer (required, sent to them)"
            hint="The customer reads this on their case, and it is kept as the decision."
            value={text}
            onChange={setText}
            required
          />
          <TextField
            label="Internal note (optional, agents only)"
            hint="Your reasoning for the record: never shown to the customer or the merchant."
            value={internalNote}
            onChange={setInternalNote}
            maxLength={4000}
          />
        </ConfirmDialog>
      );
    case 'approve':
      return (
        <ConfirmDialog
          title={`Approve the refund of ${amount}?`}
          confirmLabel="Approve refund"
          {...common}
        >
          <p>The payout to {refund.customerId} follows.</p>
          <TextField label="Note (optional)" value={text} onChange={setText} />
        </ConfirmDialog>
      );
    case 'reject':
      return (
        <ConfirmDialog
          title={`Reject the refund of ${amount}?`}
          confirmLabel="Reject refund"
          danger
          {...common}
        >
          <p>The customer may dispute the rejection within the dispute window.</p>
          <TextField
            label="Reason (required, shown to the customer)"
            value={text}
            onChange={setText}
            required
          />
        </ConfirmDialog>
      );
    case 'request-info':
      return (
        <ConfirmDialog
          title="Ask the customer for information"
          confirmLabel="Send question"
          {...common}
        >
          <p>The refund waits for the answer (it expires if none comes).</p>
          <TextField label="Question (required)" value={text} onChange={setText} required />
        </ConfirmDialog>
      );
    case 'start-review':
      return (
        <ConfirmDialog title="Start reviewing this refund?" confirmLabel="Start review" {...common}>
          <p>The refund moves to Under review.</p>
        </ConfirmDialog>
      );
    case 'offer':
      return (
        <ConfirmDialog
          title={`Make a settlement offer for ${refund.merchantId}?`}
          confirmLabel="Make offer"
          {...common}
        >
          <p>
            The customer asked for {amount}. They may accept the offer, which approves the refund
            for the offered amount, or decline it; it expires after a few business days.
          </p>
          <label className="stacked">
            Amount offered ({refund.currency}, below {amount})
            <input
              type="text"
              inputMode="decimal"
              value={offered}
              required
              onChange={(event) => setOffered(event.target.value)}
            />
          </label>
          <TextField
            label="Message to the customer (required)"
            value={text}
            onChange={setText}
            required
          />
        </ConfirmDialog>
      );
    case 'withdraw-offer':
      return (
        <ConfirmDialog
          title={`Withdraw the offer of ${formatMoney(refund.offer?.amount ?? 0, refund.currency)}?`}
          confirmLabel="Withdraw offer"
          danger
          {...common}
        >
          <p>
            The offer by {refund.offer ? formatActor(refund.offer.madeBy) : 'the merchant'} is
            withdrawn; the customer can no longer accept it.
          </p>
        </ConfirmDialog>
      );
    case 'retry-payout':
      return (
        <ConfirmDialog
          title={`Retry the payout of ${amount}?`}
          confirmLabel="Retry payout"
          {...common}
        >
          <p>
            The last payout failed
            {refund.payoutFailureReason ? ` (${refund.payoutFailureReason})` : ''}; the refund goes
            back to Approved for a new payout.
          </p>
        </ConfirmDialog>
      );
  }
}

/**
 * The public macros as one-click buttons: a click fills the message with the macro's text for
 * the refund's case (placeholders filled in by the API), for the agent to read or edit.
 */
function MacroPicker(props: { caseId: string; onPick: (text: string) => void }) {
  const { api } = useSession();
  const [macros, setMacros] = useState<Macro[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    api.get<Macro[]>('/v1/macros').then(
      (list) => {
        if (!stopped) setMacros(list.filter((macro) => !macro.internal));
      },
      () => undefined,
    );
    return () => {
      stopped = true;
    };
  }, [api]);
  if (macros.length === 0) return null;

  const pick = async (macro: Macro) => {
    try {
      const rendered = await api.get<{ body: string }>(
        apiPath`/v1/cases/${props.caseId}/macros/${macro.id}`,
      );
      props.onPick(rendered.body);
      setError(null);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  };
  return (
    <div className="macro-picker" role="group" aria-labelledby="macro-picker-title">
      <span id="macro-picker-title" className="hint">
        Fill the message from a macro:
      </span>
      {macros.map((macro) => (
        <button key={macro.id} type="button" onClick={() => void pick(macro)}>
          Use “{macro.title}”
        </button>
      ))}
      {error && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function TextField(props: {
  label: string;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
  required?: boolean;
  maxLength?: number;
}) {
  return (
    <label className="stacked">
      {props.label}
      {props.hint && <span className="hint">{props.hint}</span>}
      <textarea
        rows={3}
        value={props.value}
        required={props.required}
        maxLength={props.maxLength ?? 2000}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </label>
  );
}

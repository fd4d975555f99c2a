import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';

/**
 * A modal confirmation (the native <dialog>: focus is trapped, Escape cancels). `onConfirm`
 * returns an error message to show in the dialog, or null when done: the dialog then closes
 * itself (which hands the focus back before the owner removes it) and `onClose` follows.
 * While the request runs, neither Escape nor Cancel closes it: the action would still go through.
 */
export function ConfirmDialog(props: {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  children?: ReactNode;
  onConfirm: () => Promise<string | null>;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  // The ref answers at once; the state only after the next render.
  const working = useRef(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  // A cancelled Escape keydown makes no close request at all; `cancel` alone is not enough
  // (Chromium lets a page cancel it only once per user activation). On the window: the focused
  // button is disabled while busy, so the key may not reach the dialog.
  useEffect(() => {
    if (!busy) return;
    const swallowEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') event.preventDefault();
    };
    window.addEventListener('keydown', swallowEscape, { capture: true });
    return () => window.removeEventListener('keydown', swallowEscape, { capture: true });
  }, [busy]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (working.current) return;
    working.current = true;
    setBusy(true);
    setError(null);
    const failure = await props.onConfirm();
    working.current = false;
    setBusy(false);
    if (failure) setError(failure);
    else ref.current?.close();
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby="dialog-title"
      aria-busy={busy}
      onClose={props.onClose}
      onCancel={(event) => {
        if (working.current) event.preventDefault();
      }}
    >
      <form onSubmit={(event) => void submit(event)}>
        <h2 id="dialog-title">{props.title}</h2>
        {props.children}
        {error && (
          <p className="banner error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-buttons">
          <button type="button" onClick={() => ref.current?.close()} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className={props.danger ? 'danger' : 'primary'} disabled={busy}>
            {busy ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}

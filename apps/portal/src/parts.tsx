import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from './api';
import { useWords } from './i18n';

/** Loads on mount and whenever `deps` change; `reload` fetches again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load()
      .then((value) => live && setData(value))
      .catch((caught: unknown) => live && setError(caught));
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, reload };
}

/** The text of a failure, in the customer's language (the API translates its problems). */
export function useErrorText(): (error: unknown) => string {
  const { t } = useWords();
  return (error) => {
    if (error instanceof ApiError) {
      return error.problem.status === 0 ? t('error.network') : error.describe();
    }
    return String(error);
  };
}

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

/** The outcome of the last action; it takes the focus, so keyboard users land on the news. */
export function FlashMessage({ flash }: { flash: Flash | null }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (flash) ref.current?.focus();
  }, [flash]);
  return (
    <div aria-live="polite">
      {flash && (
        <p
          ref={ref}
          tabIndex={-1}
          className={`flash ${flash.kind}`}
          role={flash.kind === 'error' ? 'alert' : 'status'}
        >
          {flash.text}
        </p>
      )}
    </div>
  );
}

/** A screen: its heading takes the focus when it opens (a new "page" for screen readers). */
export function Screen(props: { title: string; children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [props.title]);
  return (
    <main id="main">
      <h1 ref={ref} tabIndex={-1}>
        {props.title}
      </h1>
      {props.children}
    </main>
  );
}

export function Loading() {
  const { t } = useWords();
  return <p role="status">{t('app.loading')}</p>;
}

export function LoadError({ error, retry }: { error: unknown; retry: () => void }) {
  const { t } = useWords();
  const text = useErrorText();
  return (
    <div className="flash error" role="alert">
      <p>{text(error)}</p>
      <button type="button" onClick={retry}>
        {t('app.retry')}
      </button>
    </div>
  );
}

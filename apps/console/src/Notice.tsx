import { useEffect, useRef } from 'react';

/** What came of the agent's last action, shown above the page's panels. */
export interface Notice {
  kind: 'error' | 'ok';
  text: string;
}

/**
 * The notice slot. A new notice takes the focus: the button or dialog that led to it may be
 * gone (an action hides what it made impossible), and keyboard users land where the news is.
 */
export function NoticeBanner({ notice }: { notice: Notice | null }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (notice) ref.current?.focus();
  }, [notice]);
  return (
    <div className="notice-slot" aria-live="polite">
      {notice && (
        <p
          ref={ref}
          tabIndex={-1}
          className={`banner ${notice.kind}`}
          role={notice.kind === 'error' ? 'alert' : 'status'}
        >
          {notice.text}
        </p>
      )}
    </div>
  );
}

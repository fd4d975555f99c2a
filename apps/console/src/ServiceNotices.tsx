import { useEffect, useState } from 'react';
import { formatTime, humanize } from './format';
import { useSession } from './session';
import type { ServiceStatus } from './types';

const STATUS_REFRESH_MS = 60_000;
/** Dispatched on window when this console published or ended a notice: the banner reloads. */
export const NOTICES_CHANGED = 'console:notices-changed';

/** A banner on every page while a service notice (maintenance, incident) is in force. */
export function ServiceNotices() {
  const { api } = useSession();
  const [status, setStatus] = useState<ServiceStatus | null>(null);
  useEffect(() => {
    const load = () => api.get<ServiceStatus>('/v1/status').then(setStatus, () => undefined);
    void load();
    const timer = window.setInterval(() => void load(), STATUS_REFRESH_MS);
    const reload = () => void load();
    window.addEventListener(NOTICES_CHANGED, reload);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener(NOTICES_CHANGED, reload);
    };
  }, [api]);
  const notices = status?.currentNotices ?? [];
  if (notices.length === 0) return null;
  return (
    <section className="service-notices" aria-label="Service notices">
      {notices.map((notice) => (
        <p key={notice.id} className={`banner notice-${notice.kind.toLowerCase()}`}>
          <strong>
            {humanize(notice.kind)}: {notice.title}
          </strong>{' '}
          {notice.body} <span className="muted">Until {formatTime(notice.endsAt)}.</span>
          {notice.affectedChannels.length > 0 && (
            <>
              {' '}
              Affected: {notice.affectedChannels.map((channel) => humanize(channel)).join(', ')}.
            </>
          )}
        </p>
      ))}
    </section>
  );
}

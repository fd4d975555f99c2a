import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, apiPath } from './api';
import { formatTime, humanize } from './format';
import { NoticeBanner, type Notice } from './Notice';
import { NOTICES_CHANGED } from './ServiceNotices';
import { useSession } from './session';
import type { ServiceNotice, ServiceStatus } from './types';

const CHANNELS = ['IN_APP_CHAT', 'HOTLINE', 'EMAIL', 'SOCIAL_MEDIA'] as const;

/** A `datetime-local` value (the agent's zone) for `ms`. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}`
  );
}

/** Service notices: those in force and upcoming, each may be ended; and a form to publish one. */
export function NoticesPage() {
  const { api } = useSession();
  const [status, setStatus] = useState<ServiceStatus | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [kind, setKind] = useState('MAINTENANCE');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [startsAt, setStartsAt] = useState(() => localInput(Date.now()));
  const [endsAt, setEndsAt] = useState(() => localInput(Date.now() + 2 * 3_600_000));
  const [channels, setChannels] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    () =>
      api.get<ServiceStatus>('/v1/status').then(setStatus, (caught: unknown) =>
        setNotice({
          kind: 'error',
          text: caught instanceof ApiError ? caught.message : String(caught),
        }),
      ),
    [api],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const publish = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await api.post('/v1/notices', {
        kind,
        title: title.trim(),
        body: body.trim(),
        startsAt: new Date(startsAt).toISOString(),
        endsAt: new Date(endsAt).toISOString(),
        affectedChannels: channels,
      });
      setTitle('');
      setBody('');
      setNotice({ kind: 'ok', text: 'The notice is published.' });
      window.dispatchEvent(new Event(NOTICES_CHANGED));
      await load();
    } catch (caught) {
      setNotice({
        kind: 'error',
        text: caught instanceof ApiError ? caught.message : String(caught),
      });
    } finally {
      setBusy(false);
    }
  };

  const end = async (ended: ServiceNotice) => {
    try {
      await api.post(apiPath`/v1/notices/${ended.id}/end`);
      setNotice({ kind: 'ok', text: `“${ended.title}” has ended.` });
      window.dispatchEvent(new Event(NOTICES_CHANGED));
      await load();
    } catch (caught) {
      setNotice({
        kind: 'error',
        text: caught instanceof ApiError ? caught.message : String(caught),
      });
    }
  };

  const list = (notices: ServiceNotice[], empty: string) =>
    notices.length === 0 ? (
      <p className="muted">{empty}</p>
    ) : (
      <ul className="plain notices">
        {notices.map((item) => (
          <li key={item.id}>
            <strong>
              {humanize(item.kind)}: {item.title}
            </strong>{' '}
            <span className="muted">
              {formatTime(item.startsAt)} – {formatTime(item.endsAt)}
              {item.affectedChannels.length > 0 &&
                ` · ${item.affectedChannels.map((c) => humanize(c)).join(', ')}`}
            </span>{' '}
            <button type="button" onClick={() => void end(item)}>
              End “{item.title}” now
            </button>
          </li>
        ))}
      </ul>
    );

  return (
    <>
      <h1>Service notices</h1>
      <NoticeBanner notice={notice} />
      <h2>In force</h2>
      {status ? (
        list(status.currentNotices, 'No notice is in force.')
      ) : (
        <p className="muted">Loading…</p>
      )}
      <h2>Upcoming</h2>
      {status && list(status.upcomingNotices, 'No notice is planned.')}
      <h2>Publish a notice</h2>
      <form className="notice-form" onSubmit={(event) => void publish(event)}>
        <span className="field">
          <label htmlFor="notice-kind">Kind</label>
          <select id="notice-kind" value={kind} onChange={(event) => setKind(event.target.value)}>
            <option value="MAINTENANCE">Maintenance</option>
            <option value="INCIDENT">Incident</option>
          </select>
        </span>
        <label className="stacked">
          Title
          <input
            required
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
        </label>
        <label className="stacked">
          What customers and agents should know
          <textarea
            required
            rows={3}
            maxLength={2000}
            value={body}
            onChange={(e) => setBody(e.target.value)}
          />
        </label>
        <label className="stacked">
          Starts (your time)
          <input
            type="datetime-local"
            required
            value={startsAt}
            onChange={(e) => setStartsAt(e.target.value)}
          />
        </label>
        <label className="stacked">
          Ends (your time)
          <input
            type="datetime-local"
            required
            value={endsAt}
            onChange={(e) => setEndsAt(e.target.value)}
          />
        </label>
        <fieldset>
          <legend>Affected channels</legend>
          {CHANNELS.map((channel) => (
            <label key={channel} className="check">
              <input
                type="checkbox"
                checked={channels.includes(channel)}
                onChange={(event) =>
                  setChannels((chosen) =>
                    event.target.checked
                      ? [...chosen, channel]
                      : chosen.filter((c) => c !== channel),
                  )
                }
              />
              {humanize(channel)}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={busy}>
          Publish notice
        </button>
      </form>
    </>
  );
}

import { useCallback, useEffect, useMemo, useState } from 'react';
import { Api } from './api';
import { ApplyPage } from './ApplyPage';
import { HomePage } from './HomePage';
import {
  channelKey,
  initialLanguage,
  makeWords,
  saveLanguage,
  useWords,
  WordsContext,
} from './i18n';
import { RefundPage } from './RefundPage';
import { SecurityPage } from './SecurityPage';
import { useRoute } from './router';
import { tokenStore } from './session';
import { SignIn } from './SignIn';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from './texts';
import type { ServiceStatus } from './types';

export function App() {
  const [language, setLanguage] = useState<Language>(initialLanguage);
  const [token, setToken] = useState<string | null>(tokenStore.read);
  const [expired, setExpired] = useState(false);
  const [status, setStatus] = useState<ServiceStatus | null>(null);
  const route = useRoute();

  const signOut = useCallback((sessionExpired = false) => {
    tokenStore.clear();
    setToken(null);
    setExpired(sessionExpired);
  }, []);
  const api = useMemo(
    () => new Api(token, language, () => signOut(true)),
    [token, language, signOut],
  );
  const timeZone = status?.channels[0]?.timeZone ?? 'Asia/Jakarta';
  const words = useMemo(() => makeWords(language, timeZone), [language, timeZone]);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = words.t('app.title');
  }, [language, words]);

  // The service status is public: the notice banner shows before sign-in too.
  useEffect(() => {
    let live = true;
    api
      .get<ServiceStatus>('/v1/status')
      .then((answer) => live && setStatus(answer))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api, route]);

  const choose = (next: Language) => {
    saveLanguage(next);
    setLanguage(next);
  };

  return (
    <WordsContext.Provider value={words}>
      <a className="skip" href="#main">
        {words.t('app.skip')}
      </a>
      <header className="top">
        <span className="brand">{words.t('app.title')}</span>
        <label className="language">
          <span>{words.t('app.language')}</span>
          <select value={language} onChange={(event) => choose(event.target.value as Language)}>
            {LANGUAGES.map((option) => (
              <option key={option} value={option} lang={option}>
                {LANGUAGE_NAMES[option]}
              </option>
            ))}
          </select>
        </label>
        {token && (
          <button type="button" className="link" onClick={() => signOut()}>
            {words.t('app.signOut')}
          </button>
        )}
      </header>
      <NoticeBanner status={status} />
      {!token ? (
        <SignIn
          expired={expired}
          onSignedIn={(value) => {
            tokenStore.write(value);
            setExpired(false);
            setToken(value);
          }}
        />
      ) : route.page === 'apply' ? (
        <ApplyPage api={api} transactionId={route.transactionId} />
      ) : route.page === 'security' ? (
        <SecurityPage api={api} status={status} />
      ) : route.page === 'refund' ? (
        <RefundPage api={api} refundId={route.id} status={status} />
      ) : (
        <HomePage api={api} />
      )}
    </WordsContext.Provider>
  );
}

/** A notice in force: said at the top of every screen, with the channels that still work. */
function NoticeBanner({ status }: { status: ServiceStatus | null }) {
  const { t } = useWords();
  const notices = status?.currentNotices ?? [];
  if (notices.length === 0) return null;
  const working = status!.channels.filter((channel) => channel.available);
  const names = working.map((channel) => t(channelKey(channel.id)));
  return (
    <section className="notice" aria-labelledby="notice-title">
      <h2 id="notice-title">{t('notice.title')}</h2>
      {notices.map((notice) => (
        <p key={notice.id}>
          <strong>{notice.title}</strong> {notice.body}
        </p>
      ))}
      <p>
        {names.length > 0
          ? t('notice.working', { channels: names.join(', ') })
          : t('notice.noneWorking')}
      </p>
    </section>
  );
}

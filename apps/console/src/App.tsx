import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { Api, TOKEN_KEY, tokenStore } from './api';
import { CustomerPage } from './CustomerPage';
import { NoticesPage } from './NoticesPage';
import { AGENT_TIME_ZONE } from './format';
import { ServiceNotices } from './ServiceNotices';
import { CasePage } from './CasePage';
import { FindPage } from './FindPage';
import { QueuePage } from './QueuePage';
import { RefundPage } from './RefundPage';
import { Link, navigate, paths, useRoute, type Route } from './router';
import { SessionContext, useSession, type Session } from './session';
import { SignIn } from './SignIn';
import type { Principal } from './types';

export function App() {
  const [token, setToken] = useState(tokenStore.read);
  const [me, setMe] = useState<Principal | null>(null);
  const [notice, setNotice] = useState<string | undefined>();

  const signOut = useCallback((reason?: string) => {
    tokenStore.clear();
    setToken(null);
    setMe(null);
    setNotice(reason);
  }, []);

  const api = useMemo(
    () =>
      token
        ? new Api(token, () =>
            signOut(
              'Your sign-in has expired or is no longer valid. Paste a fresh agent token: ' +
                'what you were typing is kept.',
            ),
          )
        : null,
    [token, signOut],
  );

  // One sign-in for the browser's tabs: signing in or out in one tab does it in the others.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key !== TOKEN_KEY && event.key !== null) return;
      const stored = tokenStore.read();
      if (stored === token) return;
      setMe(null);
      setToken(stored);
      if (!stored) setNotice('You signed out in another tab.');
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [token]);

  // Signed out when the token expires, without waiting for a refused request.
  useEffect(() => {
    if (!token) return;
    const timer = window.setInterval(() => {
      if (!tokenStore.read()) {
        signOut(
          'Your sign-in has expired. Paste a fresh agent token: what you were typing is kept.',
        );
      }
    }, 15_000);
    return () => window.clearInterval(timer);
  }, [token, signOut]);

  const [checkError, setCheckError] = useState<string | null>(null);
  const [checks, setChecks] = useState(0);

  // A token kept from earlier in this tab is checked once more (401 signs out by itself).
  useEffect(() => {
    if (!api || me) return;
    api.me().then(
      (principal) =>
        principal.role === 'agent'
          ? setMe(principal)
          : signOut('The console needs an agent token.'),
      (caught: unknown) => setCheckError(caught instanceof Error ? caught.message : String(caught)),
    );
  }, [api, me, signOut, checks]);

  if (!token || !api) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(value, principal) => {
          tokenStore.write(value);
          setToken(value);
          setMe(principal);
          setNotice(undefined);
        }}
      />
    );
  }
  if (!me) {
    return (
      <main id="main" className="sign-in">
        {checkError ? (
          <>
            <p className="banner error" role="alert">
              Your sign-in could not be checked: {checkError}
            </p>
            <button
              type="button"
              onClick={() => {
                setCheckError(null);
                setChecks((n) => n + 1);
              }}
            >
              Try again
            </button>{' '}
            <button type="button" onClick={() => signOut()}>
              Sign out
            </button>
          </>
        ) : (
          <p className="loading">Checking your sign-in…</p>
        )}
      </main>
    );
  }
  const session: Session = { api, me, signOut };
  return (
    <SessionContext.Provider value={session}>
      <Shell />
    </SessionContext.Provider>
  );
}

function Shell() {
  const route = useRoute();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <ServiceNotices />
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'queue':
      return <QueuePage search={route.search} />;
    case 'case':
      return <CasePage key={route.id} id={route.id} />;
    case 'refund':
      return <RefundPage key={route.id} id={route.id} />;
    case 'find':
      return <FindPage key={route.q} q={route.q} />;
    case 'customer':
      return <CustomerPage key={route.id} id={route.id} />;
    case 'notices':
      return <NoticesPage />;
    case 'missing':
      return (
        <>
          <h1>Page not found</h1>
          <p>
            <Link href={paths.queue()}>Back to the queue</Link>
          </p>
        </>
      );
  }
}

function Header() {
  const [query, setQuery] = useState('');
  const { me, signOut } = useSession();
  const find = (event: FormEvent) => {
    event.preventDefault();
    const q = query.trim();
    if (q) navigate(paths.find(q));
  };
  return (
    <header className="top">
      <Link href={paths.queue()} className="brand">
        Refund desk
      </Link>
      <nav aria-label="Main">
        <Link href={paths.queue()}>Queue</Link> <Link href={paths.notices()}>Notices</Link>
      </nav>
      <form className="find" role="search" onSubmit={find}>
        <label htmlFor="find">Find</label>
        <input
          id="find"
          type="search"
          placeholder="Id (8+ characters), customer, merchant or words"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <button type="submit">Open</button>
      </form>
      <span className="who">
        Signed in as <strong>{me.id}</strong>{' '}
        <span className="zone">· times in {AGENT_TIME_ZONE}</span>
      </span>
      <button type="button" onClick={() => signOut('You signed out.')}>
        Sign out
      </button>
    </header>
  );
}

import { useState, type FormEvent } from 'react';
import { Api, ApiError } from './api';
import type { Principal } from './types';

/**
 * Locally, the agent pastes a token from `npm run token -- agent <id>`; in production the
 * company's identity provider issues it. It is checked against GET /v1/me before it is kept.
 */
export function SignIn(props: { notice?: string; onSignedIn(token: string, me: Principal): void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = token.trim().replace(/^Bearer\s+/i, '');
    if (!value) return setError('Paste your agent token first.');
    setBusy(true);
    setError(null);
    try {
      const me = await new Api(value).me();
      if (me.role !== 'agent') {
        setError(`This token signs in a ${me.role} (${me.id}); the console needs an agent token.`);
      } else {
        props.onSignedIn(value, me);
      }
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <h1>Refund desk · Agent console</h1>
      {props.notice && (
        <p className="banner info" role="status">
          {props.notice}
        </p>
      )}
      <form onSubmit={(event) => void submit(event)} aria-describedby="token-help">
        <label htmlFor="token">Agent token</label>
        <textarea
          id="token"
          name="token"
          rows={4}
          value={token}
          onChange={(event) => setToken(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          required
        />
        <p id="token-help" className="help">
          For local use, print one with <code>npm run token -- agent &lt;your id&gt;</code>. In
          production your company&apos;s identity provider issues it. It is kept in this tab&apos;s
          session storage only.
        </p>
        {error && (
          <p className="banner error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

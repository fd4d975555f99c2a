import { useState, type FormEvent } from 'react';
import { Api } from './api';
import { useErrorText } from './parts';
import { useWords } from './i18n';

/**
 * Locally the customer pastes a token (`npm run token -- customer cus-1`); the wallet app hands
 * it over in the URL fragment instead (main.tsx). It is checked against GET /v1/me first.
 */
export function SignIn(props: { expired: boolean; onSignedIn: (token: string) => void }) {
  const words = useWords();
  const { t } = words;
  const errorText = useErrorText();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = token.trim().replace(/^Bearer\s+/i, '');
    if (!value) return setError(t('signIn.empty'));
    setBusy(true);
    setError(null);
    try {
      const me = await new Api(value, words.language).get<{ role: string }>('/v1/me');
      if (me.role === 'customer') props.onSignedIn(value);
      else setError(t('signIn.notCustomer'));
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <h1>{t('signIn.title')}</h1>
      {props.expired && (
        <p className="flash error" role="alert">
          {t('signIn.expired')}
        </p>
      )}
      <form onSubmit={(event) => void submit(event)}>
        <label htmlFor="token">{t('signIn.label')}</label>
        <textarea
          id="token"
          rows={4}
          value={token}
          onChange={(event) => setToken(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          aria-describedby="token-help"
        />
        <p id="token-help" className="help">
          {t('signIn.help')}
        </p>
        {error && (
          <p className="flash error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}

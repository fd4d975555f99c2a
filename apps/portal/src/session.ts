const TOKEN_KEY = 'refund-desk.portal.token';

/** The token lives in session storage only: it goes when the web view or tab closes. */
export const tokenStore = {
  read: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  write: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/**
 * The wallet app opens `/portal#token=<jwt>`: a fragment never reaches the server, so the token
 * is in no request line or log. It is kept, and removed from the address bar at once.
 */
export function takeTokenFromFragment(): void {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const token = fragment.get('token');
  if (token === null) return;
  if (token.trim()) tokenStore.write(token.trim());
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
}

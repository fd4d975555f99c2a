import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** Where the console is served; every route of the console lives below it. */
export const BASE = '/console';

export type Route =
  | { page: 'queue'; search: URLSearchParams }
  | { page: 'case'; id: string }
  | { page: 'refund'; id: string }
  | { page: 'find'; q: string }
  | { page: 'customer'; id: string }
  | { page: 'notices' }
  | { page: 'missing' };

export function parseRoute(pathname: string, search: string): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const params = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'queue', search: params };
  if (parts.length === 2 && parts[0] === 'cases') return { page: 'case', id: parts[1] };
  if (parts.length === 2 && parts[0] === 'refunds') return { page: 'refund', id: parts[1] };
  if (parts.length === 2 && parts[0] === 'customers') return { page: 'customer', id: parts[1] };
  if (parts.length === 1 && parts[0] === 'notices') return { page: 'notices' };
  if (parts.length === 1 && parts[0] === 'find') return { page: 'find', q: params.get('q') ?? '' };
  return { page: 'missing' };
}

const NAVIGATED = 'console:navigated';

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATED));
}

export function useRoute(): Route {
  const read = () => parseRoute(window.location.pathname, window.location.search);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = () => setRoute(read());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return route;
}

export const paths = {
  queue: (search = '') => `${BASE}/${search ? `?${search}` : ''}`,
  case: (id: string) => `${BASE}/cases/${encodeURIComponent(id)}`,
  refund: (id: string) => `${BASE}/refunds/${encodeURIComponent(id)}`,
  find: (q: string) => `${BASE}/find?q=${encodeURIComponent(q)}`,
  notices: () => `${BASE}/notices`,
  customer: (id: string) => `${BASE}/customers/${encodeURIComponent(id)}`,
};

/** A real link (keyboard, middle-click, copy address) that navigates inside the console. */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    props.onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.href);
  };
  return <a {...props} onClick={onClick} />;
}

import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** Where the portal is served; every screen lives below it. */
export const BASE = '/portal';

export type Route =
  | { page: 'home' }
  | { page: 'apply'; transactionId: string }
  | { page: 'refund'; id: string }
  | { page: 'security' };

export function parseRoute(pathname: string): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 2 && parts[0] === 'apply') return { page: 'apply', transactionId: parts[1] };
  if (parts.length === 2 && parts[0] === 'refunds') return { page: 'refund', id: parts[1] };
  if (parts.length === 1 && parts[0] === 'security') return { page: 'security' };
  return { page: 'home' };
}

const NAVIGATED = 'portal:navigated';

export function navigate(to: string): void {
  window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATED));
}

export function useRoute(): Route {
  const read = () => parseRoute(window.location.pathname);
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
  home: () => `${BASE}/`,
  apply: (transactionId: string) => `${BASE}/apply/${encodeURIComponent(transactionId)}`,
  refund: (id: string) => `${BASE}/refunds/${encodeURIComponent(id)}`,
  security: () => `${BASE}/security`,
};

/** A real link (keyboard, long-press, copy) that navigates inside the portal. */
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

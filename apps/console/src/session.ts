import { createContext, useContext } from 'react';
import type { Api } from './api';
import type { Principal } from './types';

export interface Session {
  api: Api;
  me: Principal;
  signOut: (reason?: string) => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

// Who is signed in: GET /api/v1/session once at start and after every login or logout.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, setCsrfToken } from './api';

export interface Me {
  id: string;
  kind: 'citizen' | 'business' | 'officer' | string;
  login: string;
  full_name: string;
  personal_id: string;
  birth_date: string;
  gender: string;
  tax_code: string;
  business_name: string;
  email: string;
  phone: string;
  address: string;
  language: string;
  assurance_level: number;
  totp_enabled: boolean;
  totp_required: boolean;
  enrolment_required: boolean;
  csrf_token: string;
  roles: string[];
  agency: { id: string; code: string; name: string; name_en: string } | null;
}

interface SessionState {
  me: Me | null;
  loaded: boolean;
  refresh: () => Promise<Me | null>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState>({
  me: null,
  loaded: false,
  refresh: async () => null,
  signOut: async () => {},
});

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loaded, setLoaded] = useState(false);

  const refresh = useCallback(async () => {
    const r = await api<{ signed_in: boolean; account: Me | null }>('GET', '/api/v1/session');
    const account = r.ok && r.data?.signed_in ? r.data.account : null;
    const next = account && typeof account.login === 'string' ? account : null;
    setCsrfToken(next?.csrf_token ?? '');
    setMe(next);
    setLoaded(true);
    return next;
  }, []);

  const signOut = useCallback(async () => {
    // Pollers of signed-in data (the notification bell) stop first, so none is answered 401.
    window.dispatchEvent(new Event('motcua:signing-out'));
    await api('DELETE', '/api/v1/session');
    setCsrfToken('');
    setMe(null);
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return <SessionContext.Provider value={{ me, loaded, refresh, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  return useContext(SessionContext);
}

// A tiny History-API router: the server answers every client route with index.html.
import { useEffect, useState } from 'react';

function here(): string {
  return window.location.pathname + window.location.search;
}

let leaveGuard: (() => boolean) | null = null;

/** A page with unsaved changes asks before the app navigates away (`guard` answers "may leave"). */
export function setLeaveGuard(guard: (() => boolean) | null): void {
  leaveGuard = guard;
}

export function navigate(path: string): void {
  if (path === here()) return;
  if (leaveGuard && !leaveGuard()) return;
  window.history.pushState({}, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The current path. Pages re-render on a change of the query too (`/ho-so?ma=…` to another code). */
export function usePath(): string {
  const [location, setLocation] = useState(here());
  useEffect(() => {
    const onPop = () => setLocation(here());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return location.split('?')[0];
}

// The signed-in NGO and key, for this browser tab only (sessionStorage), never in a URL.
export type Role = "manager" | "viewer";
/** timeZone: the NGO's (IANA), the zone its reports count days in. */
export interface Session { ngo: string; name: string; role: Role; key: string; timeZone: string }

const stored = "donations.session";

export function loadSession(): Session | null {
  try {
    const session = JSON.parse(sessionStorage.getItem(stored) ?? "null") as Session | null;
    return session && session.ngo && session.key ? { ...session, timeZone: session.timeZone || "Europe/Moscow" } : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(stored, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(stored);
}

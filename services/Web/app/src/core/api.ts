// The API at the app's own address (the Web service passes /api on). The key goes in the Authorization header only.
export type Query = Record<string, string | number | boolean | null | undefined>;

/** An RFC 7807 problem (or a failure to reach the server: status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly problem: Record<string, unknown> = {},
  ) {
    super(detail || title);
  }
}

export interface Api {
  /** Paths without a leading "/" are the NGO's own: "reports/summary" is /api/ngos/{ngo}/reports/summary. */
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  delete(path: string): Promise<void>;
  /** A file (CSV, XLSX…) as a blob, with the key in the header, for a download link. */
  blob(path: string, query?: Query): Promise<Blob>;
}

export function apiClient(ngo: string, key: string, onUnauthorized: (error: ApiError) => void): Api {
  const url = (path: string, query?: Query) => {
    const base = path.startsWith("/") ? path : `/api/ngos/${encodeURIComponent(ngo)}/${path}`;
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) if (value !== null && value !== undefined && value !== "") params.set(name, String(value));
    const search = params.toString();
    return search ? `${base}?${search}` : base;
  };
  const send = async (method: string, path: string, body?: unknown, query?: Query): Promise<Response> => {
    const headers: Record<string, string> = { Authorization: `Bearer ${key}`, Accept: "application/json, */*" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(url(path, query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new ApiError(0, "network", String(error));
    }
    if (response.ok) return response;
    const problem = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    const error = new ApiError(response.status, String(problem.title ?? response.statusText), String(problem.detail ?? ""), problem);
    if (response.status === 401) onUnauthorized(error);
    throw error;
  };
  const json = async <T>(response: Response): Promise<T> => (response.status === 204 ? (undefined as T) : ((await response.json()) as T));
  return {
    get: async (path, query) => json(await send("GET", path, undefined, query)),
    post: async (path, body) => json(await send("POST", path, body ?? {})),
    put: async (path, body) => json(await send("PUT", path, body ?? {})),
    delete: async (path) => void (await send("DELETE", path)),
    blob: async (path, query) => (await send("GET", path, undefined, query)).blob(),
  };
}

/** Asks the API who a key is: {ngoId, name, role}. */
export async function whoIs(ngo: string, key: string): Promise<{ ngoId: string; name: string; role: "manager" | "viewer"; timeZone: string }> {
  return apiClient(ngo, key, () => {}).get("session");
}

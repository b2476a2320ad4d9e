"use client";
// Browser-side calls of the accounts API (same origin: Next.js rewrites /api, /login and /logout to the API).
// Session writes carry Django's CSRF token from the `csrftoken` cookie that /api/v0/users/me/ sets.

export type Me = {
  id: number | null;
  username: string;
  first_name: string;
  is_authenticated: boolean;
  is_learning_path_editor: boolean;
  profile: Profile | null;
};
export type Profile = {
  name: string;
  topic_interests: { id: number; name: string }[];
  goals: string[];
  certificate_desired: string;
  current_education: string;
  time_commitment: string;
  delivery: string[];
  completed_onboarding: boolean;
  preference_search_filters: { certification?: boolean; topic?: string[]; delivery?: string[] };
};
export type UserList = {
  id: number;
  title: string;
  description: string;
  privacy_level: "private" | "unlisted";
  item_count: number;
  author: number;
};
export type ListItem = {
  id: number;
  position: number;
  parent: number;
  child: number;
  resource: { id: number; title: string; resource_type: string; url?: string | null };
};
type Page<T> = { count: number; results: T[] };

function csrfToken(): string {
  const match = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return match ? decodeURIComponent(match.slice("csrftoken=".length)) : "";
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    let detail = `${response.status}`;
    try {
      detail = (await response.json()).detail ?? detail;
    } catch {
      /* not JSON */
    }
    throw new ApiError(detail, response.status);
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}

// One request per page for what every card needs (the user, their lists, memberships), shared by all cards
// and dropped after a write or a few seconds.
const shared = new Map<string, { at: number; value: Promise<unknown> }>();
function once<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = shared.get(key);
  if (hit && Date.now() - hit.at < 5000) return hit.value as Promise<T>;
  const value = load();
  shared.set(key, { at: Date.now(), value });
  value.catch(() => shared.delete(key));
  return value;
}
export const forgetShared = () => shared.clear();

export const getMe = () => once("me", () => api<Me>("GET", "/api/v0/users/me/"));
export const myLists = () =>
  once("lists", () => api<Page<UserList>>("GET", "/api/v1/userlists/?limit=100").then((p) => p.results));
export const membership = () =>
  once("membership", () => api<{ id: number; parent: number; child: number }[]>("GET", "/api/v1/userlists/membership/"));
export const setResourceLists = (resourceId: number, listIds: number[]) => {
  forgetShared();
  return api<ListItem[]>(
    "PATCH",
    `/api/v1/learning_resources/${resourceId}/userlists/?${listIds.map((id) => `userlist_id=${id}`).join("&")}`,
  );
};
export const loginHref = (next: string) => `/login?next=${encodeURIComponent(next)}`;

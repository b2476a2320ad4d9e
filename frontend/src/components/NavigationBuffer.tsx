"use client";
/**
 * Client navigations read the whole RSC response before handing it to the router.
 *
 * Why: with the React build that Next 15.5 ships (19.2 canary), a client navigation could stay pending forever
 * (router.push or a <Link> click: the `_rsc` request answers 200, the URL never changes). The search page is
 * the same mounted segment for every query string, so the new payload renders inside a Suspense boundary that
 * is already showing content; React keeps the old screen and waits for the payload's lazy rows. When a row
 * arrives while React has yielded, the row sits parsed-but-uninitialised ("resolved_model"); React does not
 * count that as resolved, unwinds, and attaches its ping listener, and the Flight chunk's `then` calls the ping
 * synchronously inside the render phase, where React drops it (react#25851 left that case as a TODO). Nothing
 * else wakes the root, so the transition never commits. It happens only when the response is split across
 * network reads at the wrong moment, which on a fast local API is often.
 *
 * Reading the body first hands the router a payload whose rows are all present, so rendering never waits on a
 * row. Nothing visible changes: a transition shows the old screen until the new one is complete anyway.
 */

const INSTALLED = Symbol.for("learn.navigationBuffer");

function headerValue(headers: HeadersInit | undefined, name: string): string | null {
  if (!headers) return null;
  if (typeof Headers !== "undefined" && headers instanceof Headers) return headers.get(name);
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  const hit = entries.find(([key]) => key.toLowerCase() === name);
  return hit ? String(hit[1]) : null;
}

/** True for the App Router's own RSC requests (navigations, refreshes), which send `RSC: 1`. */
export function isRscRequest(input: RequestInfo | URL, init?: RequestInit): boolean {
  if (headerValue(init?.headers, "rsc") === "1") return true;
  return typeof Request !== "undefined" && input instanceof Request && input.headers.get("rsc") === "1";
}

/** A Response with the same status, headers, body bytes, url and redirected flag, read to the end. */
export async function bufferResponse(response: Response): Promise<Response> {
  if (!response.body) return response;
  const body = await response.arrayBuffer();
  const copy = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  // The router derives the canonical URL and redirects from these; a constructed Response has neither.
  Object.defineProperty(copy, "url", { value: response.url });
  Object.defineProperty(copy, "redirected", { value: response.redirected });
  return copy;
}

export function installNavigationBuffer(target: { fetch: typeof fetch }): void {
  const marked = target as { fetch: typeof fetch; [INSTALLED]?: boolean };
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;
  const original = target.fetch.bind(target);
  target.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await original(input, init);
    return isRscRequest(input, init) ? bufferResponse(response) : response;
  };
}

// Installed when the module loads, before hydration, so the first navigation is already covered.
if (typeof window !== "undefined") installNavigationBuffer(window);

/** Rendered once in the root layout so this module is part of every page's client bundle. */
export function NavigationBuffer(): null {
  return null;
}

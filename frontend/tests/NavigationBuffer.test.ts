import { describe, expect, it, vi } from "vitest";
import { bufferResponse, installNavigationBuffer, isRscRequest } from "@/components/NavigationBuffer";

function streamed(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(encoder.encode(p));
      controller.close();
    },
  });
}

function upstream(parts: string[], url = "http://127.0.0.1:8062/search?q=x&_rsc=abc", redirected = false): Response {
  const response = new Response(streamed(parts), { status: 200, headers: { "content-type": "text/x-component", vary: "rsc" } });
  Object.defineProperty(response, "url", { value: url });
  Object.defineProperty(response, "redirected", { value: redirected });
  return response;
}

describe("NavigationBuffer", () => {
  it("recognises the router's RSC requests only", () => {
    expect(isRscRequest("/search?_rsc=1", { headers: { RSC: "1", "Next-Router-State-Tree": "[]" } })).toBe(true);
    expect(isRscRequest("/search", { headers: new Headers({ rsc: "1" }) })).toBe(true);
    expect(isRscRequest("/search", { headers: [["Rsc", "1"]] })).toBe(true);
    expect(isRscRequest(new Request("http://x/search", { headers: { RSC: "1" } }))).toBe(true);
    expect(isRscRequest("/api/v1/topics/", { headers: { accept: "application/json" } })).toBe(false);
    expect(isRscRequest("/api/v1/topics/")).toBe(false);
  });

  it("buffers a streamed body and keeps status, headers, url and the redirect flag", async () => {
    const copy = await bufferResponse(upstream(["0:{\"b\":1}\n", "2:[\"$\",\"p\",null,{}]\n"], "http://127.0.0.1:8062/c/topic/x?_rsc=abc", true));
    expect(copy.status).toBe(200);
    expect(copy.headers.get("content-type")).toBe("text/x-component");
    expect(copy.url).toBe("http://127.0.0.1:8062/c/topic/x?_rsc=abc");
    expect(copy.redirected).toBe(true);
    expect(await copy.text()).toBe('0:{"b":1}\n2:["$","p",null,{}]\n');
  });

  it("wraps fetch once: RSC responses are read to the end, other responses pass through untouched", async () => {
    const plain = new Response("{}", { headers: { "content-type": "application/json" } });
    const fetchMock = vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) =>
      (init?.headers as Record<string, string> | undefined)?.RSC === "1" ? upstream(["a", "b"]) : plain,
    );
    const target = { fetch: fetchMock as unknown as typeof fetch };
    installNavigationBuffer(target);
    installNavigationBuffer(target); // idempotent
    const rsc = await target.fetch("/search?q=x&_rsc=abc", { headers: { RSC: "1" } });
    expect(await rsc.text()).toBe("ab");
    expect(rsc.url).toBe("http://127.0.0.1:8062/search?q=x&_rsc=abc");
    expect(await target.fetch("/api/v1/topics/")).toBe(plain);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });
});

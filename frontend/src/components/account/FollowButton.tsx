"use client";
import { useEffect, useState } from "react";
import { getMe, loginHref } from "@/lib/account";
import type { SearchParams } from "@/lib/searchState";
import { checkSubscription, subscribe, unsubscribe, type SourceType } from "@/lib/subscriptions";

type State = { id: number | null } | "anonymous" | null;

/** "Follow" (a channel) or "Save this search": a subscription to email digests, plus the Atom feed. */
export function FollowButton({
  params,
  sourceType,
  label,
  feedHref,
}: {
  params: SearchParams;
  sourceType: SourceType;
  label: string;
  feedHref: string;
}) {
  const [state, setState] = useState<State>(null);
  const [error, setError] = useState("");
  const key = JSON.stringify(params);

  useEffect(() => {
    let live = true;
    getMe()
      .then(async (me) => {
        if (!me.is_authenticated) return "anonymous" as const;
        const found = await checkSubscription(JSON.parse(key) as SearchParams, sourceType);
        return { id: found.length ? found[0].id : null };
      })
      .then((s) => live && setState(s), () => live && setState(null));
    return () => {
      live = false;
    };
  }, [key, sourceType]);

  const feed = (
    <a className="feed-link" href={feedHref} type="application/atom+xml">
      Atom feed
    </a>
  );
  if (state === null) return <div className="follow">{feed}</div>;
  if (state === "anonymous")
    // Signed out: the same control leads to sign-in first (its name stays the label, so it is not
    // confused with the header's own sign-in link).
    return (
      <div className="follow">
        <a className="button" href={loginHref(typeof window === "undefined" ? "/" : window.location.href)} aria-describedby="follow-needs-account">
          {label}
        </a>{" "}
        <span id="follow-needs-account">(you will be asked to log in)</span> {feed}
      </div>
    );
  const toggle = async () => {
    try {
      if (state.id === null) setState({ id: (await subscribe(params, sourceType)).id });
      else {
        await unsubscribe(state.id);
        setState({ id: null });
      }
      setError("");
    } catch (e) {
      setError(String((e as Error).message));
    }
  };
  return (
    <div className="follow">
      <button type="button" className="button" aria-pressed={state.id !== null} onClick={toggle}>
        {state.id === null ? label : sourceType === "channel_subscription_type" ? "Following ✓ (unfollow)" : "Saved ✓ (remove)"}
      </button>{" "}
      {feed}
      {error && <p role="alert">{error}</p>}
    </div>
  );
}

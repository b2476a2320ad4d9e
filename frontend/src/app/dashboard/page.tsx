"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { api, forgetShared, getMe, loginHref, myLists, type Me, type UserList } from "@/lib/account";

type Hit = { id: number; title: string; resource_type: string };

function preferenceQuery(me: Me): { title: string; query: string }[] {
  const filters = me.profile?.preference_search_filters ?? {};
  const rows: { title: string; query: string }[] = [];
  for (const topic of filters.topic ?? []) {
    const params = new URLSearchParams({ topic, limit: "6" });
    if (filters.certification !== undefined) params.set("certification", String(filters.certification));
    for (const d of filters.delivery ?? []) params.append("delivery", d);
    rows.push({ title: `Because you like ${topic}`, query: params.toString() });
  }
  if (!rows.length) rows.push({ title: "Popular right now", query: "sortby=-views&limit=6" });
  return rows;
}

function Carousel({ title, query }: { title: string; query: string }) {
  const [hits, setHits] = useState<Hit[] | null>(null);
  useEffect(() => {
    api<{ results: Hit[] }>("GET", `/api/v1/learning_resources_search/?${query}`).then((r) => setHits(r.results), () => setHits([]));
  }, [query]);
  return (
    <section className="dashboard-carousel" aria-label={title}>
      <h2>{title}</h2>
      {hits === null ? (
        <p>Loading…</p>
      ) : hits.length ? (
        <ul className="tiles">
          {hits.map((h) => (
            <li key={h.id}>
              <Link prefetch={false} href={`/resource/${h.id}`}>
                {h.title}
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p>Nothing matches yet.</p>
      )}
    </section>
  );
}

/** The signed-in learner's page: lists (Favorites first), a new-list form and carousels from the profile. */
export default function DashboardPage() {
  const [me, setMe] = useState<Me | null>(null);
  const [lists, setLists] = useState<UserList[]>([]);
  const [title, setTitle] = useState("");
  const [privacy, setPrivacy] = useState<"private" | "unlisted">("private");
  const [error, setError] = useState("");

  useEffect(() => {
    getMe().then(async (m) => {
      setMe(m);
      if (m.is_authenticated) setLists(await myLists());
      else window.location.href = loginHref(window.location.href);
    });
  }, []);

  const create = async (event: React.FormEvent) => {
    event.preventDefault();
    try {
      const list = await api<UserList>("POST", "/api/v1/userlists/", { title, privacy_level: privacy });
      forgetShared();
      setLists([...lists, list]);
      setTitle("");
      setError("");
    } catch (e) {
      setError(String((e as Error).message));
    }
  };
  if (!me?.is_authenticated) return <p className="page">Loading…</p>;
  const sorted = [...lists].sort((a, b) => (a.title === "Favorites" ? -1 : b.title === "Favorites" ? 1 : a.id - b.id));
  return (
    <div className="page dashboard">
      <h1>Your dashboard</h1>
      <p>
        <Link prefetch={false} href="/dashboard/subscriptions">
          Your saved searches and followed channels
        </Link>
      </p>
      {!me.profile?.completed_onboarding && (
        <p>
          <Link prefetch={false} href="/onboarding?next=/dashboard">
            Tell us what you want to learn
          </Link>{" "}
          for better suggestions.
        </p>
      )}
      <section aria-labelledby="my-lists">
        <h2 id="my-lists">My lists</h2>
        <ul className="user-lists">
          {sorted.map((list) => (
            <li key={list.id}>
              <Link prefetch={false} href={`/lists/${list.id}`}>
                {list.title}
              </Link>{" "}
              <span>
                ({list.item_count} item{list.item_count === 1 ? "" : "s"}, {list.privacy_level})
              </span>
            </li>
          ))}
        </ul>
        <form onSubmit={create} className="new-list">
          <label htmlFor="new-list-title">New list</label>
          <input id="new-list-title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={256} />
          <label htmlFor="new-list-privacy">Who can see it</label>
          <select id="new-list-privacy" value={privacy} onChange={(e) => setPrivacy(e.target.value as "private" | "unlisted")}>
            <option value="private">Only me</option>
            <option value="unlisted">Anyone with the link</option>
          </select>
          <button type="submit">Create list</button>
          {error && <p role="alert">{error}</p>}
        </form>
      </section>
      {preferenceQuery(me).map((row) => (
        <Carousel key={row.query} title={row.title} query={row.query} />
      ))}
    </div>
  );
}

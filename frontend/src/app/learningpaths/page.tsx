"use client";
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { api, getMe, type Me } from "@/lib/account";

type Path = { id: number; title: string; published: boolean };
type Item = { id: number; position: number; child: number; resource: { id: number; title: string } };

/** The learning-path editor (staff and learning_path_editors): create paths, add, reorder and remove items. */
export default function LearningPathEditor() {
  const [me, setMe] = useState<Me | null>(null);
  const [paths, setPaths] = useState<Path[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [items, setItems] = useState<Item[]>([]);
  const [title, setTitle] = useState("");
  const [child, setChild] = useState("");
  const [error, setError] = useState("");

  useEffect(() => {
    getMe().then(setMe);
    api<{ results: Path[] }>("GET", "/api/v1/learningpaths/?limit=100").then((p) => setPaths(p.results));
  }, []);
  const loadItems = useCallback(async (pathId: number) => {
    const page = await api<{ results: Item[] }>("GET", `/api/v1/learningpaths/${pathId}/items/?limit=100`);
    setItems(page.results);
  }, []);
  useEffect(() => {
    if (selected !== null) loadItems(selected);
  }, [selected, loadItems]);

  const run = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setError("");
      if (selected !== null) await loadItems(selected);
    } catch (e) {
      setError(String((e as Error).message));
    }
  };
  if (!me) return <p className="page">Loading…</p>;
  if (!me.is_learning_path_editor) {
    return (
      <div className="page">
        <h1>Learning paths</h1>
        <p>Only learning-path editors can edit paths.</p>
      </div>
    );
  }
  const path = paths.find((p) => p.id === selected);
  return (
    <div className="page path-editor">
      <h1>Learning paths</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run(async () => {
            const created = await api<Path>("POST", "/api/v1/learningpaths/", { title, published: false });
            setPaths([...paths, created]);
            setSelected(created.id);
            setTitle("");
          });
        }}
      >
        <label htmlFor="path-title">New path</label> <input id="path-title" value={title} onChange={(e) => setTitle(e.target.value)} required />
        <button type="submit">Create</button>
      </form>
      <ul>
        {paths.map((p) => (
          <li key={p.id}>
            <button type="button" aria-pressed={p.id === selected} onClick={() => setSelected(p.id)}>
              {p.title}
            </button>{" "}
            {p.published ? "published" : "draft"}
          </li>
        ))}
      </ul>
      {path && (
        <section aria-label={`Items of ${path.title}`}>
          <h2>{path.title}</h2>
          <button
            type="button"
            onClick={() =>
              run(async () => {
                const updated = await api<Path>("PATCH", `/api/v1/learningpaths/${path.id}/`, { published: !path.published });
                setPaths(paths.map((p) => (p.id === updated.id ? updated : p)));
              })
            }
          >
            {path.published ? "Unpublish" : "Publish"}
          </button>
          <ol>
            {items.map((item, index) => (
              <li key={item.id}>
                <Link prefetch={false} href={`/resource/${item.child}`}>
                  {item.resource.title}
                </Link>{" "}
                <button type="button" disabled={index === 0} onClick={() => run(() => api("PATCH", `/api/v1/learningpaths/${path.id}/items/${item.id}/`, { position: index - 1 }))} aria-label={`Move ${item.resource.title} up`}>
                  ↑
                </button>
                <button type="button" disabled={index === items.length - 1} onClick={() => run(() => api("PATCH", `/api/v1/learningpaths/${path.id}/items/${item.id}/`, { position: index + 1 }))} aria-label={`Move ${item.resource.title} down`}>
                  ↓
                </button>
                <button type="button" onClick={() => run(() => api("DELETE", `/api/v1/learningpaths/${path.id}/items/${item.id}/`))} aria-label={`Remove ${item.resource.title}`}>
                  Remove
                </button>
              </li>
            ))}
          </ol>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              run(async () => {
                await api("POST", `/api/v1/learningpaths/${path.id}/items/`, { child: Number(child) });
                setChild("");
              });
            }}
          >
            <label htmlFor="path-child">Add resource (id)</label> <input id="path-child" inputMode="numeric" value={child} onChange={(e) => setChild(e.target.value)} required />
            <button type="submit">Add</button>
          </form>
        </section>
      )}
      {error && <p role="alert">{error}</p>}
    </div>
  );
}

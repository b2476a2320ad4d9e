"use client";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useEffect, useState } from "react";
import { api, getMe, type ListItem, type Me, type UserList } from "@/lib/account";

/** A user list: its items, the share link of an unlisted list, and removal for its author. */
export default function ListPage() {
  const { id } = useParams<{ id: string }>();
  const [list, setList] = useState<UserList | null | "missing">(null);
  const [items, setItems] = useState<ListItem[]>([]);
  const [me, setMe] = useState<Me | null>(null);

  useEffect(() => {
    getMe().then(setMe, () => setMe(null));
    Promise.all([
      api<UserList>("GET", `/api/v1/userlists/${id}/`),
      api<{ results: ListItem[] }>("GET", `/api/v1/userlists/${id}/items/?limit=100`),
    ]).then(
      ([l, page]) => {
        setList(l);
        setItems(page.results);
      },
      () => setList("missing"),
    );
  }, [id]);

  if (list === null) return <p className="page">Loading…</p>;
  if (list === "missing") {
    return (
      <div className="page">
        <h1>List not found</h1>
        <p>This list does not exist or is private.</p>
      </div>
    );
  }
  const mine = me?.id === list.author;
  const remove = async (item: ListItem) => {
    await api("DELETE", `/api/v1/userlists/${list.id}/items/${item.id}/`);
    setItems(items.filter((i) => i.id !== item.id));
  };
  const shareUrl = typeof window === "undefined" ? "" : `${window.location.origin}/lists/${list.id}`;
  return (
    <div className="page user-list">
      <h1>{list.title}</h1>
      {list.description && <p>{list.description}</p>}
      {mine && list.privacy_level === "unlisted" && (
        <p className="share-link">
          <label htmlFor="share-link">Share link</label> <input id="share-link" readOnly value={shareUrl} size={40} />
        </p>
      )}
      {mine && list.privacy_level === "private" && <p>Only you can see this list.</p>}
      {items.length ? (
        <ol className="list-items">
          {items.map((item) => (
            <li key={item.id} data-resource-id={item.child}>
              <Link prefetch={false} href={`/resource/${item.child}`}>
                {item.resource.title}
              </Link>
              {mine && (
                <button type="button" onClick={() => remove(item)} aria-label={`Remove ${item.resource.title}`}>
                  Remove
                </button>
              )}
            </li>
          ))}
        </ol>
      ) : (
        <p>This list is empty.</p>
      )}
    </div>
  );
}

"use client";
import { useEffect, useState } from "react";
import { getMe, membership, myLists, setResourceLists, type UserList } from "@/lib/account";

type State = { lists: UserList[]; member: Set<number> } | "anonymous" | null;

/** Favorite and add-to-list controls of one resource (cards, drawer, resource page). */
export function ListButtons({ resourceId, title }: { resourceId: number; title: string }) {
  const [state, setState] = useState<State>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState("");

  useEffect(() => {
    let live = true;
    getMe()
      .then(async (me) => {
        if (!me.is_authenticated) return "anonymous" as const;
        const [lists, rows] = await Promise.all([myLists(), membership()]);
        return { lists, member: new Set(rows.filter((r) => r.child === resourceId).map((r) => r.parent)) };
      })
      .then((s) => live && setState(s), () => live && setState(null));
    return () => {
      live = false;
    };
  }, [resourceId]);

  // Signed-out visitors see nothing here (the header offers sign-in).
  if (state === null || state === "anonymous") return null;
  const favorites = state.lists.find((l) => l.title === "Favorites");
  const toggle = async (listId: number) => {
    const member = new Set(state.member);
    if (member.has(listId)) member.delete(listId);
    else member.add(listId);
    try {
      const rows = await setResourceLists(resourceId, [...member]);
      setState({ lists: state.lists, member: new Set(rows.map((r) => r.parent)) });
      setError("");
    } catch (e) {
      setError(String((e as Error).message));
    }
  };
  const isFavorite = favorites ? state.member.has(favorites.id) : false;
  return (
    <div className="list-buttons">
      {favorites && (
        <button type="button" aria-pressed={isFavorite} onClick={() => toggle(favorites.id)} aria-label={`${isFavorite ? "Remove from" : "Add to"} favorites: ${title}`}>
          {isFavorite ? "★ Favorite" : "☆ Favorite"}
        </button>
      )}
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} aria-label={`Add to list: ${title}`}>
        Add to list
      </button>
      {open && (
        <fieldset className="list-picker">
          <legend>Lists</legend>
          {state.lists.map((list) => (
            <label key={list.id}>
              <input type="checkbox" checked={state.member.has(list.id)} onChange={() => toggle(list.id)} /> {list.title}
            </label>
          ))}
        </fieldset>
      )}
      {error && <p role="alert">{error}</p>}
    </div>
  );
}

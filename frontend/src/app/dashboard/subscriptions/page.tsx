"use client";
import { useEffect, useState } from "react";
import { getMe, loginHref } from "@/lib/account";
import { mySubscriptions, setFrequency, unsubscribe, type Frequency, type SavedQuery } from "@/lib/subscriptions";

/** The signed-in learner's saved searches and channel follows: digest frequency and unsubscribe. */
export default function SubscriptionsPage() {
  const [rows, setRows] = useState<SavedQuery[] | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    getMe().then(async (me) => {
      if (!me.is_authenticated) window.location.href = loginHref(window.location.href);
      else setRows(await mySubscriptions());
    });
  }, []);

  if (rows === null) return <p className="page">Loading…</p>;
  const change = async (row: SavedQuery, frequency: Frequency) => {
    try {
      const updated = await setFrequency(row.id, frequency);
      setRows(rows.map((r) => (r.id === row.id ? updated : r)));
      setError("");
    } catch (e) {
      setError(String((e as Error).message));
    }
  };
  const remove = async (row: SavedQuery) => {
    try {
      await unsubscribe(row.id);
      setRows(rows.filter((r) => r.id !== row.id));
      setError("");
    } catch (e) {
      setError(String((e as Error).message));
    }
  };
  return (
    <div className="page subscriptions">
      <h1>Your subscriptions</h1>
      {error && <p role="alert">{error}</p>}
      {rows.length === 0 ? (
        <p>You follow no channel and have no saved search yet.</p>
      ) : (
        <ul>
          {rows.map((row) => (
            <li key={row.id}>
              <strong>{row.source_description}</strong>{" "}
              <span className="card-type">{row.source_type === "channel_subscription_type" ? "Channel" : "Search"}</span>{" "}
              <label>
                Email{" "}
                <select value={row.frequency ?? "daily"} onChange={(e) => change(row, e.target.value as Frequency)}>
                  <option value="daily">daily</option>
                  <option value="weekly">weekly</option>
                </select>
              </label>{" "}
              <button type="button" onClick={() => remove(row)}>
                Unsubscribe
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

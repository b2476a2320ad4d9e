"use client";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState } from "react";

export interface FacetOption {
  key: string;
  label: string;
  count: number;
  checked: boolean;
  href: string;
}

/** One facet: checkboxes with counts; toggling navigates to the URL precomputed on the server. */
export function FacetGroup({ title, options, initialVisible = 5 }: { title: string; options: FacetOption[]; initialVisible?: number }) {
  const router = useRouter();
  const [expanded, setExpanded] = useState(false);
  // Keys toggled since the last server render: the box flips at once while the new results load.
  const [pending, setPending] = useState<ReadonlyMap<string, boolean>>(new Map());
  useEffect(() => setPending(new Map()), [options]);
  const listId = useId();
  if (!options.length) return null;
  const visible = expanded ? options : options.filter((o, i) => i < initialVisible || o.checked);
  const hidden = options.length - visible.length;
  return (
    <fieldset className="facet">
      <legend>{title}</legend>
      <ul id={listId} className="facet-options">
        {visible.map((o) => (
          <li key={o.key}>
            <label>
              <input
                type="checkbox"
                checked={pending.get(o.key) ?? o.checked}
                onChange={() => {
                  setPending(new Map(pending).set(o.key, !(pending.get(o.key) ?? o.checked)));
                  router.push(o.href, { scroll: false });
                }}
              />
              <span className="facet-label">{o.label}</span>
              <span className="facet-count" aria-label={`${o.count} results`}>
                {o.count}
              </span>
            </label>
          </li>
        ))}
      </ul>
      {options.length > initialVisible && (
        <button type="button" className="link-button" aria-expanded={expanded} aria-controls={listId} onClick={() => setExpanded(!expanded)}>
          {expanded ? `Show less` : `Show ${hidden} more`}
          <span className="visually-hidden"> {title} options</span>
        </button>
      )}
    </fieldset>
  );
}

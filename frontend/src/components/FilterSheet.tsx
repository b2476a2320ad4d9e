"use client";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';
/** Below this width the filters sit behind a button (keep in step with globals.css). */
export const SHEET_QUERY = "(max-width: 800px)";

// A facet click is a navigation that mounts a fresh page tree; the sheet stays open across it.
let openAcrossNavigations = false;

/**
 * The filter panel. Wide screens show it beside the results. Narrow screens show a "Filters (n)" button
 * instead, so results come first; the button opens the panel as a full-screen sheet (a modal dialog that
 * keeps focus, closes on Escape) whose footer button "Show N results" closes it. Facet choices made in the
 * sheet navigate as usual and the sheet stays open with the new counts.
 */
export function FilterSheet({ activeCount, resultCount, children }: { activeCount: number; resultCount: number | null; children: ReactNode }) {
  const [open, setOpenState] = useState(() => openAcrossNavigations);
  const panel = useRef<HTMLDivElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const closer = useRef<HTMLButtonElement>(null);
  const id = useId();
  const setOpen = (value: boolean) => {
    openAcrossNavigations = value;
    setOpenState(value);
  };

  useEffect(() => {
    if (!open) return;
    const wide = !window.matchMedia(SHEET_QUERY).matches;
    if (wide) {
      setOpen(false);
      return;
    }
    if (!panel.current?.contains(document.activeElement)) closer.current?.focus();
    const previous = document.body.style.overflow;
    document.body.style.overflow = "hidden";
    const media = window.matchMedia(SHEET_QUERY);
    const onChange = () => !media.matches && setOpen(false);
    media.addEventListener("change", onChange);
    return () => {
      document.body.style.overflow = previous;
      media.removeEventListener("change", onChange);
    };
  }, [open]);

  const close = () => {
    setOpen(false);
    // At once (the button is always in the page): a frame later could steal focus from a sheet opened again.
    opener.current?.focus();
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (!open) return;
    if (e.key === "Escape") {
      e.preventDefault();
      close();
      return;
    }
    if (e.key !== "Tab" || !panel.current) return;
    const items = Array.from(panel.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    if (!items.length) return;
    const [firstItem, lastItem] = [items[0], items[items.length - 1]];
    if (e.shiftKey && document.activeElement === firstItem) {
      e.preventDefault();
      lastItem.focus();
    } else if (!e.shiftKey && document.activeElement === lastItem) {
      e.preventDefault();
      firstItem.focus();
    }
  };

  const titleId = `${id}-title`;
  return (
    <>
      <button ref={opener} type="button" className="filters-button" aria-expanded={open} aria-controls={id} onClick={() => setOpen(true)}>
        Filters ({activeCount})
      </button>
      <div
        ref={panel}
        id={id}
        className={open ? "filter-panel sheet-open" : "filter-panel"}
        role={open ? "dialog" : undefined}
        aria-modal={open ? true : undefined}
        aria-labelledby={open ? titleId : undefined}
        onKeyDown={onKeyDown}
      >
        <div className="sheet-bar">
          <h2 id={titleId} className="sheet-title">
            Filters
          </h2>
          <button ref={closer} type="button" className="close-button" onClick={close} aria-label="Close filters">
            ×
          </button>
        </div>
        <div className="filter-panel-body">{children}</div>
        <div className="sheet-footer">
          <button type="button" onClick={close}>
            {resultCount === null ? "Show results" : `Show ${new Intl.NumberFormat("en-US").format(resultCount)} ${resultCount === 1 ? "result" : "results"}`}
          </button>
        </div>
      </div>
    </>
  );
}

"use client";
import { useEffect } from "react";

/** The 500 page for anything a page did not handle itself; the server has already logged the cause. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="error-state" role="alert">
      <h1>Something went wrong</h1>
      <p>We couldn’t show this page right now. Please try again.</p>
      <p>
        <button type="button" onClick={() => reset()}>
          Try again
        </button>
      </p>
      {error.digest && <p className="facet-count">Reference: {error.digest}</p>}
    </div>
  );
}

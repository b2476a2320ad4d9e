/** Friendly message when the catalog service is unavailable, with a retry link to the same URL. */
export function ErrorState({ retryHref, title = "We couldn’t load this right now" }: { retryHref: string; title?: string }) {
  return (
    <div className="error-state" role="alert">
      <h2>{title}</h2>
      <p>The catalog service is not responding. Please try again in a moment.</p>
      <p>
        <a className="button" href={retryHref}>
          Try again
        </a>
      </p>
    </div>
  );
}

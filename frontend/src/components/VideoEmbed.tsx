"use client";
import { useState } from "react";

/**
 * A YouTube video that loads nothing from YouTube until the learner asks for it: a thumbnail with a play
 * button, swapped for the (privacy-enhanced) player on click. Pages and the drawer stay fast and no third-party
 * frame sits in the page before it is wanted.
 */
export function VideoEmbed({ videoId, title }: { videoId: string; title: string }) {
  const [playing, setPlaying] = useState(false);
  return (
    <div className="media video-frame">
      {playing ? (
        <iframe
          src={`https://www.youtube-nocookie.com/embed/${videoId}?autoplay=1`}
          title={`Video: ${title}`}
          allow="autoplay; encrypted-media; picture-in-picture"
          allowFullScreen
        />
      ) : (
        <button type="button" className="video-facade" onClick={() => setPlaying(true)} aria-label={`Play video: ${title}`}>
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={`https://i.ytimg.com/vi/${videoId}/hqdefault.jpg`} alt="" loading="lazy" />
          <span className="video-play" aria-hidden="true">▶</span>
        </button>
      )}
    </div>
  );
}

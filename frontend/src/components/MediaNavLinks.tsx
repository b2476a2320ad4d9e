import Link from "next/link";
import { catalogCounts } from "@/lib/api";

const LINKS = [
  { href: "/podcasts", label: "Podcasts", types: ["podcast", "podcast_episode"] },
  { href: "/videos", label: "Videos", types: ["video", "video_playlist"] },
] as const;

/** The header's Podcasts and Videos links, offered only when the catalog holds some (all when unknown). */
export async function MediaNavLinks() {
  const counts = await catalogCounts().catch(() => null);
  const shown = LINKS.filter((l) => !counts || l.types.some((t) => (counts.byType.get(t) ?? 0) > 0));
  return <MediaNavItems links={shown} />;
}

export function MediaNavItems({ links = LINKS }: { links?: readonly { href: string; label: string }[] }) {
  return (
    <>
      {links.map((l) => (
        <li key={l.href}>
          <Link prefetch={false} href={l.href}>
            {l.label}
          </Link>
        </li>
      ))}
    </>
  );
}

import type { Metadata } from "next";
import { ListingPage } from "@/components/ListingPage";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Podcasts", description: "Podcasts and recent episodes from across MIT." };

export default function PodcastsPage() {
  return <ListingPage title="Podcasts" path="/podcasts" sections={[{ title: "Podcasts", type: "podcast" }, { title: "Recent episodes", type: "podcast_episode" }]} />;
}

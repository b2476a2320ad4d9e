import type { Metadata } from "next";
import { ListingPage } from "@/components/ListingPage";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Videos", description: "Videos and video playlists from across MIT." };

export default function VideosPage() {
  return <ListingPage title="Videos" path="/videos" sections={[{ title: "Playlists", type: "video_playlist" }, { title: "Recent videos", type: "video" }]} />;
}

// Suspense boundary: the shell streams and hydrates first; the results follow when the API has answered.
import Loading from "@/components/Loading";

export default function SearchLoading() {
  return <Loading label="Loading results…" />;
}

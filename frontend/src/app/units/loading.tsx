// Suspense boundary: the shell streams and hydrates first; the body follows when the API has answered.
export { default } from "@/components/Loading";

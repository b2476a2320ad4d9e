// A course's content files grouped the way a learner looks for them (lecture notes, videos, problem sets,
// exams, readings), from the catalog's content_feature_type, file type and title.
import type { ContentFile } from "@/api/client";

export const MATERIAL_GROUPS = [
  { key: "lecture_notes", title: "Lecture notes", test: /lecture[\s_-]*notes?|lecture[\s_-]*slides?|\bnotes\b/i },
  { key: "videos", title: "Videos", test: /video|lecture[\s_-]*recording|youtube/i },
  { key: "problem_sets", title: "Problem sets", test: /problem[\s_-]*sets?|assignments?|homework|\bpsets?\b|\bassn\b/i },
  { key: "exams", title: "Exams", test: /exams?|quiz(zes)?|midterm|final/i },
  { key: "readings", title: "Readings", test: /readings?|textbooks?|books?/i },
  { key: "other", title: "Other materials", test: /.*/ },
] as const;
export type MaterialGroupKey = (typeof MATERIAL_GROUPS)[number]["key"];

export function materialTitle(file: Pick<ContentFile, "title" | "content_title" | "file_type">): string {
  return (file.title || file.content_title || file.file_type || "Untitled material").trim();
}

/** Which group a file belongs to: its declared feature types first, then its file type, then its title. */
export function materialGroup(file: Pick<ContentFile, "content_feature_type" | "file_type" | "content_type" | "title" | "content_title" | "youtube_id">): MaterialGroupKey {
  const declared = (file.content_feature_type ?? []).join(" | ");
  const kinds = [declared, file.youtube_id ? "video" : "", file.file_type ?? "", file.content_type === "video" ? "video" : ""].join(" | ");
  const title = `${file.title ?? ""} ${file.content_title ?? ""}`;
  for (const haystack of [declared, kinds, title]) {
    if (!haystack.trim()) continue;
    const group = MATERIAL_GROUPS.find((g) => g.key !== "other" && g.test.test(haystack));
    if (group) return group.key;
  }
  return "other";
}

export function groupMaterials<T extends Parameters<typeof materialGroup>[0]>(files: T[]): { key: MaterialGroupKey; title: string; files: T[] }[] {
  const byGroup = new Map<MaterialGroupKey, T[]>();
  for (const file of files) {
    const key = materialGroup(file);
    byGroup.set(key, [...(byGroup.get(key) ?? []), file]);
  }
  return MATERIAL_GROUPS.filter((g) => byGroup.has(g.key)).map((g) => ({ key: g.key, title: g.title, files: byGroup.get(g.key) ?? [] }));
}

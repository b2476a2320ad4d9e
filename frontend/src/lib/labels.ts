// Human labels for the enum values the API returns.
export const RESOURCE_TYPE_LABELS: Record<string, string> = {
  course: "Course",
  program: "Program",
  learning_path: "Learning Path",
  podcast: "Podcast",
  podcast_episode: "Podcast Episode",
  video: "Video",
  video_playlist: "Video Playlist",
  document: "Document",
};

export const CERTIFICATION_LABELS: Record<string, string> = {
  micromasters: "MicroMasters Credential",
  professional: "Professional Certificate",
  completion: "Certificate of Completion",
  none: "No Certificate",
};

export const DELIVERY_LABELS: Record<string, string> = {
  online: "Online",
  hybrid: "Hybrid",
  in_person: "In person",
  offline: "Offline",
};

export const LEVEL_LABELS: Record<string, string> = {
  undergraduate: "Undergraduate",
  graduate: "Graduate",
  high_school: "High School",
  noncredit: "Non-Credit",
  advanced: "Advanced",
  intermediate: "Intermediate",
  introductory: "Introductory",
};

export const TAB_LABELS: Record<string, string> = {
  all: "All",
  course: "Courses",
  program: "Programs",
  learning_material: "Learning Materials",
};

export const SORT_LABELS: Record<string, string> = {
  "": "Best match",
  new: "Recently added",
  "-views": "Popular",
  upcoming: "Upcoming",
};

export function humanize(value: string): string {
  const s = value.replace(/_/g, " ").trim();
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : value;
}

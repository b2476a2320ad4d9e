import type { Resource, Run } from "@/api/client";
import { CERTIFICATION_LABELS, DELIVERY_LABELS, LEVEL_LABELS, RESOURCE_TYPE_LABELS, humanize } from "./labels";

type Labeled = { code?: string; name?: string } | string | null | undefined;

/** Enum fields arrive either as plain codes or as {code,name} objects; return a display name. */
export function labelOf(value: Labeled, table: Record<string, string> = {}): string {
  if (!value) return "";
  if (typeof value === "string") return table[value] ?? humanize(value);
  return value.name || (value.code ? (table[value.code] ?? humanize(value.code)) : "");
}
export function codeOf(value: Labeled): string {
  if (!value) return "";
  return typeof value === "string" ? value : (value.code ?? "");
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleDateString("en-US", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
}

export function formatPrice(amount: string | number, currency = "USD"): string {
  const n = Number(amount);
  if (!Number.isFinite(n)) return String(amount);
  if (n === 0) return "Free";
  return new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: n % 1 ? 2 : 0 }).format(n);
}

export function priceText(resource: Pick<Resource, "free" | "resource_prices" | "prices">): string {
  const prices = (resource.resource_prices ?? []).map((p) => formatPrice(p.amount, p.currency));
  const paid = prices.filter((p) => p !== "Free");
  if (resource.free && !paid.length) return "Free";
  if (!paid.length) return resource.free ? "Free" : "Paid";
  const unique = [...new Set(paid)];
  return resource.free ? `Free, optional ${unique.join(" – ")}` : unique.join(" – ");
}

export function resourceTypeLabel(resource: Pick<Resource, "resource_type">): string {
  return labelOf(resource.resource_type as Labeled, RESOURCE_TYPE_LABELS);
}
export function certificationLabel(resource: Pick<Resource, "certification" | "certification_type">): string {
  if (!resource.certification) return "";
  const label = labelOf(resource.certification_type as Labeled, CERTIFICATION_LABELS);
  return label && label !== "No Certificate" ? label : "Certificate";
}
export function deliveryLabels(values: Labeled[] | null | undefined): string[] {
  return (values ?? []).map((v) => labelOf(v, DELIVERY_LABELS)).filter(Boolean);
}
export function levelLabels(values: Labeled[] | null | undefined): string[] {
  return (values ?? []).map((v) => labelOf(v, LEVEL_LABELS)).filter(Boolean);
}

export function bestRun(resource: Pick<Resource, "runs" | "best_run_id">): Run | undefined {
  const runs = resource.runs ?? [];
  return runs.find((r) => r.id === resource.best_run_id) ?? runs[0];
}

export function instructorNames(resource: Pick<Resource, "runs">): string[] {
  const names = new Set<string>();
  for (const run of resource.runs ?? []) {
    for (const i of run.instructors ?? []) {
      const name = i?.full_name || [i?.first_name, i?.last_name].filter(Boolean).join(" ");
      if (name) names.add(name);
    }
  }
  return [...names];
}

export function languageNames(codes: string[] | null | undefined): string[] {
  const out: string[] = [];
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames(["en"], { type: "language" });
  } catch {
    names = null;
  }
  for (const code of codes ?? []) {
    try {
      out.push(names?.of(code) ?? code);
    } catch {
      out.push(code);
    }
  }
  return out;
}

export function runDates(run: Pick<Run, "start_date" | "end_date" | "semester" | "year">): string {
  const start = formatDate(run.start_date);
  const end = formatDate(run.end_date);
  if (start && end) return `${start} – ${end}`;
  if (start) return start;
  if (run.semester || run.year) return [run.semester, run.year].filter(Boolean).join(" ");
  return "Anytime";
}

/** Plain-text excerpt of a description that may contain HTML. */
export function plainText(html: string | null | undefined, max = 0): string {
  const text = (html ?? "")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
  if (max && text.length > max) return text.slice(0, max - 1).replace(/\s+\S*$/, "") + "…";
  return text;
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat("en-US").format(n);
}

/** Splits a highlight fragment with <em> marks into safe text segments (no HTML is ever injected). */
export function highlightSegments(fragment: string): { text: string; mark: boolean }[] {
  const out: { text: string; mark: boolean }[] = [];
  const re = /<em>(.*?)<\/em>/gs;
  let last = 0;
  for (let m = re.exec(fragment); m; m = re.exec(fragment)) {
    if (m.index > last) out.push({ text: plainText(fragment.slice(last, m.index)), mark: false });
    out.push({ text: plainText(m[1]), mark: true });
    last = m.index + m[0].length;
  }
  if (last < fragment.length) out.push({ text: plainText(fragment.slice(last)), mark: false });
  return out.filter((s) => s.text);
}

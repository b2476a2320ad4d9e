"use client";
// Saved searches and channel follows (MIT Learn's learning_resources_user_subscription API).
import { api } from "./account";
import type { SearchParams } from "./searchState";

export type SourceType = "search_subscription_type" | "channel_subscription_type";
export type Frequency = "daily" | "weekly";
export type SavedQuery = {
  id: number;
  source_description: string;
  source_label: string;
  original_query: Record<string, unknown>;
  query: Record<string, unknown>;
  source_type: SourceType;
  display_label?: string;
  frequency?: Frequency;
};
export type { SearchParams };

const BASE = "/api/v1/learning_resources_user_subscription/";

function queryString(params: SearchParams, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const [name, values] of Object.entries(params)) for (const v of values) p.append(name, v);
  for (const [name, value] of Object.entries(extra)) p.set(name, value);
  return p.toString();
}

export const mySubscriptions = () => api<SavedQuery[]>("GET", BASE);
export const checkSubscription = (params: SearchParams, sourceType: SourceType) =>
  api<SavedQuery[]>("GET", `${BASE}check/?${queryString(params, { source_type: sourceType })}`);
export const subscribe = (params: SearchParams, sourceType: SourceType) =>
  api<SavedQuery>("POST", `${BASE}subscribe/`, { ...params, source_type: sourceType });
export const unsubscribe = (id: number) => api<void>("DELETE", `${BASE}${id}/unsubscribe/`);
export const setFrequency = (id: number, frequency: Frequency) =>
  api<SavedQuery>("PATCH", `${BASE}${id}/`, { frequency });

// The typed API client (types generated from our OpenAPI schema by `npm run generate:api`).
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Resource = Schemas["LearningResource"];
/** `/api/v1/learning_resources_search/`'s answer (MIT Learn's LearningResourcesSearchResponse). */
export type SearchResponse = Schemas["LearningResourcesSearchResponse"];
export type Topic = Schemas["LearningResourceTopic"];
export type Department = Schemas["LearningResourceDepartment"];
export type Offeror = Schemas["LearningResourceOfferorDetail"];
export type Run = Schemas["LearningResourceRun"];
/** A v0 channel, in the shape of its type (TopicChannel, DepartmentChannel, UnitChannel, PathwayChannel). */
export type Channel = Schemas["Channel"];
export type ChannelCounts = Schemas["ChannelCounts"];
export type ContentFile = Schemas["ContentFile"];
export type ContentFileSearchResponse = Schemas["ContentFileSearchResponse"];

/** Origin of the Python API as seen from the Next.js server. */
export function apiOrigin(): string {
  return (process.env.LEARN_API_ORIGIN || "http://127.0.0.1:8063").replace(/\/$/, "");
}

export function makeClient(baseUrl: string = apiOrigin()) {
  return createClient<paths>({
    baseUrl,
    // Read at call time so tests can stub globalThis.fetch.
    fetch: (request: Request) => globalThis.fetch(request),
    querySerializer: { array: { style: "form", explode: true } },
  });
}

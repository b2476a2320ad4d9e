"""Full-text search over the catalog: one query model; Tantivy and OpenSearch adapters."""

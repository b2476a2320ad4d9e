"""The semantic layer: embeddings, vector store, vector search, similar resources, hybrid."""

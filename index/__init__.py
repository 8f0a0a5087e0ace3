"""Store chunks and search them: the embedding model, the Chroma collection, and the catalog."""

"""Turn PDF files into typed records: `Document`, `Page`, `Chunk`. Knows nothing of embeddings."""

"""The data/ folder: reading report files and their metadata, the parse cache, the whole corpus."""

"""Records and findings to the site: tabular frames, downloads, charts, views, pages, the MkDocs build."""

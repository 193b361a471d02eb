"""Text to a typed record: normalisation, recognising the form's lines, recovering cells, identity. Pure: no file system."""

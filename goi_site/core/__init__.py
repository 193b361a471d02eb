"""Foundation every stage may use: the repository's paths, the domain errors, and small pure text helpers."""

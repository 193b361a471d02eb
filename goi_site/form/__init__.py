"""The form as data: the YAML files of both editions (rows, columns, labels, rules, charts, downloads) and their loaders, plus the reference tables (divisions)."""

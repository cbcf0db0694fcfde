"""The loading layer: YAML with positions, the JSON Schemas, okrctl.yaml, goal files, the
signed parse cache and the repository. Imports only okrctl.core."""

"""Checks kstep's manifests with tools that share no code with kstep.

Usage: check_manifests.py KUBERNETES_VERSION YAML_DIR JSON_DIR

Every *.yaml file in a manifests/ directory below YAML_DIR must
  - be read by PyYAML (a YAML 1.1 reader, like kubectl's) to exactly the data of the
    *.json file at the same place below JSON_DIR, and
  - pass kubernetes-validate's strict schema validation for KUBERNETES_VERSION.
Prints one line per problem and exits 1 if there is any.
"""
import json
import pathlib
import sys

import kubernetes_validate
import yaml


def main() -> int:
    version, yaml_dir, json_dir = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    problems = []
    files = sorted(p for p in yaml_dir.rglob("*.yaml") if p.parent.name == "manifests")
    for path in files:
        relative = path.relative_to(yaml_dir)
        documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        if len(documents) != 1:
            problems.append(f"{relative}: expected one document, found {len(documents)}")
            continue
        data = documents[0]
        twin = json_dir / relative.with_suffix(".json")
        if not twin.exists():
            problems.append(f"{relative}: no JSON twin {twin}")
        elif json.loads(twin.read_text(encoding="utf-8")) != data:
            problems.append(f"{relative}: YAML 1.1 reading differs from the JSON output")
        try:
            kubernetes_validate.validate(data, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            path_in_object = ".".join(str(p) for p in error.path)
            problems.append(f"{relative}: {path_in_object}: {error.message}")
        except Exception as error:  # schema not found and the like
            problems.append(f"{relative}: {type(error).__name__}: {error}")
    for problem in problems:
        print(problem)
    print(f"checked {len(files)} manifests against Kubernetes {version}", file=sys.stderr)
    return 1 if problems or not files else 0


if __name__ == "__main__":
    sys.exit(main())

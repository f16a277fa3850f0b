"""Checks kstep's manifests with tools that share no code with kstep.

Usage: check_manifests.py KUBERNETES_VERSION YAML_DIR JSON_DIR

Every *.yaml file in a manifests/ directory below YAML_DIR must
  - be read by PyYAML (a YAML 1.1 reader, like kubectl's) to exactly the data of the
    *.json file at the same place below JSON_DIR, and
  - pass kubernetes-validate's strict schema validation for KUBERNETES_VERSION; a Gateway
    API object, which kubernetes-validate does not know, is validated against its CRD's
    openAPIV3Schema in tests/data/ (see tests/data/README.md) with jsonschema, strictly:
    a field the schema does not declare is an error, as the API server's strict field
    validation makes it. (The CRD's CEL rules are not evaluated here; kstep's checks mirror
    them, tested by the route fixtures.)
Prints one line per problem and exits 1 if there is any.
"""
import json
import pathlib
import sys

import jsonschema
import kubernetes_validate
import yaml

DATA = pathlib.Path(__file__).resolve().parent.parent / "data"
# apiVersion, kind -> the CRD file in tests/data that defines it.
CRDS = {
    ("gateway.networking.k8s.io/v1", "HTTPRoute"): "gateway.networking.k8s.io_httproutes.yaml",
}


def strict(schema):
    """The schema with every object that declares properties closed to others."""
    if isinstance(schema, dict):
        schema = {k: strict(v) for k, v in schema.items()}
        if schema.get("type") == "object" and "properties" in schema:
            schema.setdefault("additionalProperties", False)
        return schema
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


def crd_validator(api_version, kind):
    crd = yaml.safe_load((DATA / CRDS[(api_version, kind)]).read_text(encoding="utf-8"))
    version = api_version.rpartition("/")[2]
    served = next(v for v in crd["spec"]["versions"] if v["name"] == version)
    return jsonschema.Draft7Validator(strict(served["schema"]["openAPIV3Schema"]))


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
        key = (data.get("apiVersion"), data.get("kind"))
        if key in CRDS:
            for error in crd_validator(*key).iter_errors(data):
                path_in_object = ".".join(str(p) for p in error.path)
                problems.append(f"{relative}: {path_in_object}: {error.message}")
            continue
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

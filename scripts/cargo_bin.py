"""Where Cargo put the `kstep` binary it just built (the path depends on the build's target:
`.cargo/config.toml` names one, so it is `target/<host triple>/<profile>/kstep`)."""

import json
import subprocess


def build_kstep(root, release=False):
    """Builds kstep (quietly) and returns the path of its binary."""
    command = ["cargo", "build", "--quiet", "--bin", "kstep", "--message-format=json"]
    if release:
        command.append("--release")
    result = subprocess.run(command, cwd=root, check=True, stdout=subprocess.PIPE)
    for line in result.stdout.decode().splitlines():
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message.get("executable"):
            if message["target"]["name"] == "kstep":
                return message["executable"]
    raise SystemExit("cargo built no kstep binary")

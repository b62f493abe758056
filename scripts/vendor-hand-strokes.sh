#!/usr/bin/env bash
# Regenerate crates/xinfang-ocr/data/hand-medians.txt: the stroke medians
# (centre lines) of every Chinese character the synthetic letters can use,
# taken from the npm package hanzi-writer-data 2.0.1 (Make Me a Hanzi data,
# Arphic Public License; see data/PROVENANCE.md). The handwriting renderer
# (src/synth/hand.rs) draws these with a pen. The characters are every CJK
# character in a string literal of src/synth/letter.rs, which holds all the
# text a letter is made of; digits and punctuation are drawn from shapes in
# src/synth/hand_marks.rs, not from this file.
#   scripts/vendor-hand-strokes.sh [path/to/hanzi-writer-data-2.0.1.tgz]
set -euo pipefail
cd "$(dirname "$0")/.."
TARBALL_SHA=72baf3d82b114e60d6e40ea05f24d2262a05cd39d544e2f322ba2fceb7beff15
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ $# -ge 1 ]; then
  cp "$1" "$work/"
else
  (cd "$work" && npm pack --silent hanzi-writer-data@2.0.1 >/dev/null)
fi
tgz="$work/hanzi-writer-data-2.0.1.tgz"
echo "$TARBALL_SHA  $tgz" | sha256sum -c -
tar -xzf "$tgz" -C "$work"
out=crates/xinfang-ocr/data
cp "$work/package/ARPHICPL.TXT" "$out/ARPHICPL.TXT"
python3 - "$work/package" crates/xinfang-ocr/src/synth/letter.rs "$out/hand-medians.txt" <<'PY'
import json, os, re, sys
package, source, out = sys.argv[1:4]
text = open(source, encoding="utf-8").read().split("#[cfg(test)]")[0]
literals = re.findall(r'"((?:[^"\\\n]|\\.)*)"', text)
chars = sorted({c for s in literals for c in s if 0x3400 <= ord(c) <= 0x9FFF})
lines = []
absent = []
for c in chars:
    path = os.path.join(package, c + ".json")
    if not os.path.exists(path):
        absent.append(c)
        continue
    medians = json.load(open(path, encoding="utf-8"))["medians"]
    strokes = []
    for stroke in medians:
        # Make Me a Hanzi: a 1024-unit em, y up, baseline at y = 0 and the
        # top at y = 900. Stored here y down from the em's top, in eighths
        # (0..127): 1/128 em is a quarter pixel at the sizes drawn.
        pts = []
        for x, y in stroke:
            qx = min(127, max(0, round(x / 8)))
            qy = min(127, max(0, round((900 - y) / 8)))
            pts.append(f"{qx},{qy}")
        strokes.append(" ".join(pts))
    lines.append(c + " " + ";".join(strokes))
with open(out, "w", encoding="utf-8") as f:
    f.write("# Stroke medians of the characters the synthetic letters use, one character a line:\n")
    f.write("# CHAR x,y x,y ...;x,y ... (strokes in writing order, separated by ';').\n")
    f.write("# Units: 1/128 em, origin at the em's top left, y down (baseline at y = 112.5).\n")
    f.write("# Modified (Arphic Public License 2a) from hanzi-writer-data 2.0.1 (npm), itself\n")
    f.write("# Make Me a Hanzi's data from Arphic's AR PL fonts: only the 'medians' of the listed\n")
    f.write("# characters kept, flipped to y down and rounded to 1/128 em, by\n")
    f.write("# scripts/vendor-hand-strokes.sh (xinfang, issue #22, 2026-12). Licence: ARPHICPL.TXT.\n")
    f.write("\n".join(lines) + "\n")
print(f"{len(lines)} characters written to {out}; not in the package (drawn from hand_marks.rs): {''.join(absent) or 'none'}")
PY

#!/usr/bin/env bash
# Re-make the font subsets that crates/xinfang-gongwen embeds (include_bytes!):
# full CJK fonts are 7–27 MB each, so each is cut down to GB 2312 (all of
# levels 1 and 2, its symbols and punctuation), ASCII, and a short list of
# characters common in personal names that GB 2312 lacks. The results are
# committed (crates/xinfang-gongwen/fonts/); this script is only needed to
# change them. Everything it uses comes from Debian's and PyPI's registries:
#   FandolFang-Regular.otf  (仿宋)  Debian texlive-lang-chinese   GPL + font exception
#   Noto Serif CJK SC Bold  (小标宋) Debian fonts-noto-cjk         SIL OFL 1.1
#   Noto Sans CJK SC Regular(黑体)  Debian fonts-noto-cjk         SIL OFL 1.1
# and pyftsubset from PyPI fonttools.
set -euo pipefail
cd "$(dirname "$0")/.."
out=crates/xinfang-gongwen/fonts
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
(cd "$work" && apt-get download -qq texlive-lang-chinese fonts-noto-cjk)
for d in "$work"/*.deb; do dpkg-deb -x "$d" "$work/x"; done
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q 'fonttools==4.*'
"$work/venv/bin/python" - "$work" "$out" <<'PY'
import sys, subprocess
from fontTools.ttLib import TTCollection, TTFont
work, out = sys.argv[1], sys.argv[2]
chars = set()
for b1 in range(0xA1, 0xF8):          # GB 2312 rows 1–87: symbols, levels 1 and 2
    for b2 in range(0xA1, 0xFF):
        try:
            chars.add(ord(bytes([b1, b2]).decode("gb2312")))
        except UnicodeDecodeError:
            pass
chars |= set(range(0x20, 0x7F))       # ASCII
# Punctuation used by 公文 and name characters outside GB 2312 (GBK).
chars |= {ord(c) for c in "〔〕—―‐·•…“”‘’《》〈〉「」『』【】〇～㎡℃‰№×÷±"}
chars |= {ord(c) for c in "堃喆昇珺玥祎赟甦彧珉琇頔淼鑫焱垚森燊喆翀旻昱晞暐玮璟瑄瑾瑜璐婕婧媛嫣妤姝娅娴滢潆澍沄泓浛炜烨煜熠燚犇骉麟麒镕锟钰铖锃鋆銮"}
cps = ",".join(f"U+{c:04X}" for c in sorted(chars))
x = f"{work}/x/usr/share"
jobs = [
    (f"{x}/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf", None, "fang.otf"),
    (f"{x}/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC", "song-bold.otf"),
    (f"{x}/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", "hei.otf"),
]
for src, family, name in jobs:
    args = ["pyftsubset", src, f"--unicodes={cps}", f"--output-file={out}/{name}",
            "--layout-features=", "--no-hinting", "--name-IDs=*", "--name-languages=*",
            "--notdef-outline", "--recalc-bounds"]
    if family:
        n = next(i for i, f in enumerate(TTCollection(src).fonts)
                 if f["name"].getDebugName(1) == family)
        args.append(f"--font-number={n}")
    subprocess.run([f"{work}/venv/bin/" + args[0]] + args[1:], check=True)
    f = TTFont(f"{out}/{name}")
    print(name, f["name"].getDebugName(4), len(f.getBestCmap()), "characters")
PY
cp "$work/x/usr/share/doc/fonts-noto-cjk/copyright" "$out/COPYRIGHT-noto-cjk.txt"
cp /usr/share/common-licenses/GPL-3 "$out/GPL-3.txt"
ls -l "$out"

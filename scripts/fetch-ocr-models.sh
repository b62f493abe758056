#!/usr/bin/env bash
# Re-download the OCR models that crates/xinfang-ocr embeds (include_bytes!)
# from their registry package and verify them against the hashes recorded in
# crates/xinfang-ocr/models/PROVENANCE.md. The files are committed; this
# script is only needed to check them or to restore them.
#   PyPI rapidocr-onnxruntime 1.4.4 (Apache-2.0): PP-OCRv4 det + rec (ONNX)
set -euo pipefail
cd "$(dirname "$0")/.."
out=crates/xinfang-ocr/models
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
WHEEL_SHA=971d7d5f223a7a808662229df1ef69893809d8457d834e6373d3854bc1782cbf
python3 -m pip download -q --no-deps -d "$work" 'rapidocr-onnxruntime==1.4.4'
whl="$work/rapidocr_onnxruntime-1.4.4-py3-none-any.whl"
echo "$WHEEL_SHA  $whl" | sha256sum -c -
python3 - "$whl" "$work" <<'PY'
import sys, zipfile
whl, work = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(whl) as z:
    for name in ("ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx"):
        with open(f"{work}/{name}", "wb") as f:
            f.write(z.read(f"rapidocr_onnxruntime/models/{name}"))
PY
cat > "$work/SHA256SUMS" <<SUMS
d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9  ch_PP-OCRv4_det_infer.onnx
48fc40f24f6d2a207a2b1091d3437eb3cc3eb6b676dc3ef9c37384005483683b  ch_PP-OCRv4_rec_infer.onnx
SUMS
(cd "$work" && sha256sum -c SHA256SUMS)
cp "$work/ch_PP-OCRv4_det_infer.onnx" "$work/ch_PP-OCRv4_rec_infer.onnx" "$out/"
(cd "$out" && sha256sum -c "$work/SHA256SUMS")
echo "OCR models verified in $out"

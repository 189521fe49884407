#!/usr/bin/env bash
# The HTML report opens in headless Chromium; the screenshot must show the plots
# (pixels in the colours of the first two series' lines).
. "$(dirname "$0")/lib.sh"
command -v chromium >/dev/null || fail "chromium not installed (scripts/install-deps)"
command -v gnuplot >/dev/null || fail "gnuplot not installed (scripts/install-deps)"
data="$BBD_SOURCE_DIR/tests/run/data/lumi"
cd "$work"
"$BBD" import --db bbd.db --format osu --mode basic "$data/lumi-osu_bw-basic-container-mpich-host-host.txt"
"$BBD" import --db bbd.db --format osu --mode bind --run 1 "$data/lumi-osu_bw-bind-host-craympich-host-host.txt"
"$BBD" report --db bbd.db --last --format html -o report.html
# Put the plot first on screen: drop everything before the first figure.
python3 - <<'PY'
import re
html = open("report.html").read()
start = html.index("<figure")
open("plot-first.html", "w").write(html[:html.index("<h1>")] + html[start:])
PY
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$(mktemp -d "$work/chrome.XXXXXX")" --window-size=1000,800 \
  --screenshot="$work/shot.png" "file://$work/plot-first.html" > chrome.log 2>&1 || { cat chrome.log; fail "chromium failed"; }
[ -s shot.png ] || fail "no screenshot"
python3 - "$work/shot.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
    if kind == b"IHDR": w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    if kind == b"IDAT": idat += body
assert depth == 8 and ctype in (2, 6), f"unexpected PNG type {depth}/{ctype}"
bpp = 4 if ctype == 6 else 3
raw, stride, prev, px = zlib.decompress(idat), w * bpp, bytearray(w * bpp), {}
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp): px[tuple(line[x:x + 3])] = px.get(tuple(line[x:x + 3]), 0) + 1
    prev = line
def near(rgb, tol=40): return sum(n for p, n in px.items() if all(abs(p[i] - rgb[i]) <= tol for i in range(3)))
blue, red = near((0x1f, 0x77, 0xb4)), near((0xd6, 0x27, 0x28))
print(f"screenshot {w}x{h}: {len(px)} colours, {blue} px of series 1 (blue), {red} px of series 2 (red)")
assert len(px) > 50, "screenshot looks blank"
assert blue > 200 and red > 200, "plot lines not visible"
PY
echo "PASS run_html_chromium"

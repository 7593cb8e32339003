#!/usr/bin/env bash
# Peak resident memory and speed of predict against the volume's size: uint8 volumes of 2048×2048
# slices cut from ISBI 2012 (tiled 4×4), as Zarr arrays in chunks of one slice, predicted into
# Zarr groups with the jar on the default heap. Prints a table: input size, time, voxels/s, peak RSS.
#
#   tools/volume-rss.sh MODEL [SLICES...]      # default slices: 32 120 240 480 (128 MB to 2 GB)
#
# Needs /usr/bin/time and a Python 3 with numpy, tifffile and zarr 2 (PYTHON=/usr/bin/python3 by default).
set -euo pipefail
model=${1:?usage: tools/volume-rss.sh MODEL [SLICES...]}
shift
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(32 120 240 480)
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/target/unet-tf.jar
python=${PYTHON:-/usr/bin/python3}
work=${WORK:-$(mktemp -d)}
export TF_CPP_MIN_LOG_LEVEL=2
printf '%-8s %-10s %-9s %-14s %-12s\n' slices input_MB seconds voxels_per_s peak_RSS_MB
for n in "${sizes[@]}"; do
  input=$work/in-$n.zarr
  "$python" - "$root/data/isbi2012/train-volume.tif" "$input" "$n" <<'PY'
import sys, numpy as np, tifffile, zarr
volume = tifffile.imread(sys.argv[1])
n = int(sys.argv[3])
raw = zarr.open_group(sys.argv[2], mode="w").create_dataset("raw", shape=(n, 2048, 2048), chunks=(1, 2048, 2048),
                                                             dtype="u1", compressor=zarr.Blosc(cname="lz4"))
for z in range(n):
    raw[z] = np.roll(np.tile(volume[z % 30], (4, 4)), 37 * z, axis=1)
PY
  out=$work/out-$n.zarr
  log=$work/run-$n.log
  /usr/bin/time -v java -jar "$jar" predict --model "$model" --input "$input/raw" --output "$out" >"$log" 2>&1
  rss=$(awk '/Maximum resident set size/ {print int($6 / 1024)}' "$log")
  wall=$(grep -o 'in [0-9.]* s' "$log" | tail -1 | awk '{print $2}')
  rate=$(grep -o '[0-9.]* [kMG]\? \?voxels/s' "$log" | tail -1)
  printf '%-8s %-10s %-9s %-14s %-12s\n' "$n" $((n * 4)) "$wall" "$rate" "$rss"
  rm -rf "$input" "$out"
done

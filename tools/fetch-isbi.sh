#!/usr/bin/env bash
# Downloads the ISBI 2012 EM stacks into data/isbi2012/ (or the folder given) and checks them:
# 30 slices of 512×512 8-bit grey each, with the challenge's pixel values.
#
# The slices come as PNGs from a public mirror, the data/membrane folder of github.com/zhixuhao/unet
# (set ISBI_MIRROR to use another with the same layout), and are assembled into multi-page TIFFs
# with the JDK alone. See data/README.md for the data's origin and citation.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/data/isbi2012}
mirror=${ISBI_MIRROR:-https://raw.githubusercontent.com/zhixuhao/unet/master/data/membrane}

# SHA-256 of the stacks' pixel values (not of the files, whose bytes depend on the TIFF writer).
declare -A pixels=(
  [train-volume]=200da3d452d726e6c9ca1ce04b869d4edb727320d23b516d01cce707dc8c4760
  [train-labels]=a7cb64000a1a7e542682927e19c91339f58f9f178e0bcce4e207371116f0ca36
  [test-volume]=1b58fa7ec1d0ff9d39a855622db3ff66a97863036339b0d04be51b2f5a99b0e9
)
declare -A remote=([train-volume]=train/image [train-labels]=train/label [test-volume]=test)

command -v curl >/dev/null || { echo "error: fetch-isbi.sh needs curl" >&2; exit 1; }
command -v java >/dev/null || { echo "error: fetch-isbi.sh needs java (17 or newer)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
for stack in train-volume train-labels test-volume; do
  if [[ -f "$out/$stack.tif" ]] && java "$root/tools/IsbiStacks.java" check "$out/$stack.tif" "${pixels[$stack]}" >/dev/null 2>&1; then
    echo "ok: $out/$stack.tif is already there"
    continue
  fi
  echo "downloading $stack (30 slices) from $mirror/${remote[$stack]}/"
  slices=()
  for i in $(seq 0 29); do
    curl -fsSL --retry 3 "$mirror/${remote[$stack]}/$i.png" -o "$tmp/$stack-$i.png" \
      || { echo "error: cannot download $mirror/${remote[$stack]}/$i.png" >&2; exit 1; }
    slices+=("$tmp/$stack-$i.png")
  done
  java "$root/tools/IsbiStacks.java" assemble "$tmp/$stack.tif" "${slices[@]}"
  java "$root/tools/IsbiStacks.java" check "$tmp/$stack.tif" "${pixels[$stack]}"
  mv "$tmp/$stack.tif" "$out/$stack.tif"
done
echo "the ISBI 2012 stacks are in $out"

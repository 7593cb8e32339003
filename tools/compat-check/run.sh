#!/usr/bin/env bash
# Proves that what unet-tf exports runs unchanged in an older TensorFlow: trains a tiny model with
# the main jar (TF Java 1.1.0, TensorFlow 2.18), exports it as a SavedModel and as a bioimage.io
# package, then loads both with TF Java 0.5.0 (TensorFlow 2.10) and compares the outputs. The
# bundled model (savedmodel/isbi2012, its weights in several shards) is checked the same way.
# Needs target/unet-tf.jar (mvn package), the ISBI 2012 stacks in data/isbi2012/ and python3 with
# tifffile.
set -euo pipefail
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
root=$(cd "$(dirname "$0")/../.." && pwd)
jar=$root/target/unet-tf.jar
[[ -f $jar ]] || { echo "error: $jar is missing; run mvn -B package first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Depth 5 with 16 filters: the paper's five levels, at a width that trains in seconds.
cat > "$work/tiny.yaml" <<YAML
model: {depth: 5, filters: 16, padding: valid}
data: {images: $root/data/isbi2012/train-volume.tif, labels: $root/data/isbi2012/train-labels.tif, validation_slices: 27-29}
tile: {size: 188}
train: {steps: 20, batch: 2, validate_every: 20, checkpoint_every: 20}
output: {dir: $work/runs, name: tiny}
YAML
run=$work/runs/tiny
java -jar "$jar" train "$work/tiny.yaml" > "$work/train.log"
java -jar "$jar" predict --model "$run/savedmodel/unet/1" --input "$root/data/isbi2012/test-volume.tif" \
  --output "$work/expected.tif" > /dev/null
java -jar "$jar" export --run "$run" --format bioimageio --output "$work/package.zip" > /dev/null
# Two slices are enough for the bundled model, the paper's full-width network.
bundled=$root/savedmodel/isbi2012/1
python=$(command -v /usr/bin/python3 || command -v python3)
"$python" -c 'import sys, tifffile; tifffile.imwrite(sys.argv[2], tifffile.imread(sys.argv[1])[:2])' \
  "$root/data/isbi2012/test-volume.tif" "$work/two.tif"
java -jar "$jar" predict --model "$bundled" --input "$work/two.tif" --output "$work/bundled.tif" > /dev/null

mvn -B -q -f "$root/tools/compat-check/pom.xml" package -DskipTests
check=$root/tools/compat-check/target/compat-check.jar
status=0
java -jar "$check" savedmodel "$run/savedmodel/unet/1" "$root/data/isbi2012/test-volume.tif" "$work/expected.tif" \
  2> "$work/savedmodel.err" || status=1
java -jar "$check" bioimageio "$work/package.zip" 2> "$work/bioimageio.err" || status=1
java -jar "$check" savedmodel "$bundled" "$work/two.tif" "$work/bundled.tif" 2> "$work/bundled.err" || status=1
if grep -h "NodeDef mentions attribute" "$work/savedmodel.err" "$work/bioimageio.err" "$work/bundled.err"; then
  echo "error: TensorFlow 2.10 warned about attributes it does not know" >&2
  status=1
fi
if ((status)); then
  grep -h "error" "$work/savedmodel.err" "$work/bioimageio.err" "$work/bundled.err" >&2 || true
  exit 1
fi
echo "ok: the SavedModel, the bioimage.io package and the bundled model run in TensorFlow 2.10 as in 2.18"

#!/usr/bin/env bash
# Proves that what unet-tf exports runs unchanged in an older TensorFlow: trains a tiny model with
# the main jar (TF Java 1.1.0, TensorFlow 2.18), exports it as a SavedModel and as a bioimage.io
# package, then loads both with TF Java 0.5.0 (TensorFlow 2.10) and compares the outputs.
# Needs target/unet-tf.jar (mvn package) and the ISBI 2012 stacks in data/isbi2012/.
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

mvn -B -q -f "$root/tools/compat-check/pom.xml" package -DskipTests
check=$root/tools/compat-check/target/compat-check.jar
status=0
java -jar "$check" savedmodel "$run/savedmodel/unet/1" "$root/data/isbi2012/test-volume.tif" "$work/expected.tif" \
  2> "$work/savedmodel.err" || status=1
java -jar "$check" bioimageio "$work/package.zip" 2> "$work/bioimageio.err" || status=1
if grep -h "NodeDef mentions attribute" "$work/savedmodel.err" "$work/bioimageio.err"; then
  echo "error: TensorFlow 2.10 warned about attributes it does not know" >&2
  status=1
fi
if ((status)); then
  grep -h "error" "$work/savedmodel.err" "$work/bioimageio.err" >&2 || true
  exit 1
fi
echo "ok: the SavedModel and the bioimage.io package run in TensorFlow 2.10 as in 2.18"

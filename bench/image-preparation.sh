#!/usr/bin/env bash
# Times the service's image preparation (ImagePreparer, in-process, after warm-up) and ImageMagick's
# `convert -resize 1568x1568` on the same 12 MP JPEG and 4 MP PNG. Not part of `./mvnw verify`.
# Needs Debian's imagemagick and hyperfine: apt-get install -y imagemagick hyperfine
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-30}
work=target/bench/images
mkdir -p "$work"
# ImageMagick's own binary: /usr/local/bin may hold other tools named convert.
magick=/usr/bin/convert-im6.q16
[ -x "$magick" ] || magick=$(command -v magick || command -v convert)

./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test
classpath="target/test-classes:target/classes:$(cat target/bench/classpath.txt)"

echo "== ImagePreparer (JVM $(java -version 2>&1 | head -1 | cut -d'"' -f2), $(nproc) cores)"
java -cp "$classpath" dev.visionapi.image.ImagePreparationBenchmark "$work" "$runs"

echo "== ImageMagick ($("$magick" -version | head -1 | cut -d' ' -f2-3)), same files, same target"
hyperfine --warmup 3 --runs "$runs" --style basic \
    "$magick $work/photo-12mp.jpg -resize 1568x1568 -quality 87 $work/photo-im.jpg" \
    "$magick $work/portrait-4mp.png -resize 1568x1568 $work/portrait-im.png"

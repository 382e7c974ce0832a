#!/usr/bin/env bash
# Composition time of a 4-person meeting: 4 cameras (VP8 640x480 at 30 fps, WebM) and 4 microphones (Opus, WebM),
# synthesized by ffmpeg (testsrc2 / sine) as long as the meeting, composed with the arguments
# src/Parley.Server/Recording/CompositionCommand.cs builds for them (2x2 grid on 1280x720 at 15 fps, audio mixed over
# silence, libx264 veryfast crf 26 + AAC 128k, MP4 with faststart). Prints wall and CPU time per minute of meeting.
# Usage: bench/recording/compose.sh [seconds=60] [runs=3]
set -euo pipefail
seconds=${1:-60}
runs=${2:-3}
work=$(mktemp -d /tmp/parley-compose-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

for i in 0 1 2 3; do
  ffmpeg -hide_banner -loglevel error -f lavfi -i "testsrc2=s=640x480:r=30:d=$seconds" \
    -c:v libvpx -deadline realtime -cpu-used 8 -b:v 800k -g 60 "cam-$i.webm"
  ffmpeg -hide_banner -loglevel error -f lavfi -i "sine=f=$((300 + 100 * i)):sample_rate=48000:d=$seconds" \
    -c:a libopus -b:a 32k "mic-$i.webm"
done

# The graph CompositionCommand.Build makes for cams 0..3 (inputs 0,2,4,6) and mics (inputs 1,3,5,7), all at offset 0.
d=$seconds
graph="color=c=black:s=1280x720:r=15:d=$d[base]"
canvas=base
cells=("0:0" "640:0" "0:360" "640:360")
for i in 0 1 2 3; do
  graph+=";[$((2 * i)):v]setpts=PTS-STARTPTS+0/TB,fps=15,scale=640:360:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=640:360:(ow-iw)/2:(oh-ih)/2,setsar=1[v$i]"
  next=$([ $i -eq 3 ] && echo vmix || echo "c$i")
  graph+=";[$canvas][v$i]overlay=x=${cells[$i]%%:*}:y=${cells[$i]##*:}:eof_action=pass[$next]"
  canvas=$next
done
graph+=";[vmix]format=yuv420p[vout];anullsrc=r=48000:cl=stereo,atrim=duration=$d[silence]"
for i in 0 1 2 3; do
  graph+=";[$((2 * i + 1)):a]aresample=48000:async=1:first_pts=0,aformat=channel_layouts=stereo,adelay=delays=0:all=1[a$i]"
done
graph+=";[silence][a0][a1][a2][a3]amix=inputs=5:duration=first:dropout_transition=0:normalize=0[aout]"

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
for run in $(seq 1 "$runs"); do
  /usr/bin/time -f "%e %U %S" -o time.txt ffmpeg -hide_banner -nostdin -nostats -loglevel error -y \
    -reinit_filter 0 -i cam-0.webm -i mic-0.webm -reinit_filter 0 -i cam-1.webm -i mic-1.webm \
    -reinit_filter 0 -i cam-2.webm -i mic-2.webm -reinit_filter 0 -i cam-3.webm -i mic-3.webm \
    -filter_complex "$graph" -map "[vout]" -map "[aout]" \
    -c:v libx264 -preset veryfast -crf 26 -r 15 -c:a aac -b:a 128k -t "$d" -movflags +faststart recording.mp4
  read -r wall user sys < time.txt
  awk -v w="$wall" -v u="$user" -v s="$sys" -v d="$d" -v r="$run" \
    'BEGIN { printf "run %d: %.1f s wall, %.1f s CPU (user+sys) for %d s of meeting = %.1f s wall, %.1f s CPU per minute\n", r, w, u + s, d, w * 60 / d, (u + s) * 60 / d }'
done
ffprobe -v error -show_entries stream=codec_name,width,height:format=duration -of compact=p=0 recording.mp4

"""Video files with PyAV: probe clips, join them by stream copy (with the narration as one AAC track),
extract stills, transcode.

Durations are exact :class:`fractions.Fraction` seconds taken from packet timestamps.
Every writer writes to a temporary name next to the destination and renames it into place.

Audio: the scenes' clips are silent; the lecture's sound is one track for the whole timeline (mono float32
samples at :data:`narration.audio.RATE`, from :mod:`narration.track`), encoded once and interleaved with the
video by time, so no clip boundary can shift it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from lecture.errors import MediaError
from narration.audio import RATE
from narration.track import frames


@contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``dest``; on success rename it to ``dest``, on failure delete it.

    A reader never sees a half-written ``dest``, and an old ``dest`` stays intact until the rename.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.stem}.tmp-{os.getpid()}{dest.suffix}")
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(dest: Path, text: str) -> None:
    with atomic_path(dest) as tmp:
        tmp.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class ClipInfo:
    """A video clip's first video stream: geometry, codec and exact timing."""

    path: Path
    width: int
    height: int
    codec: str
    pix_fmt: str
    extradata: bytes
    time_base: Fraction
    rate: Fraction  # nominal frames per second (the stream's base rate, not the average over the clip)
    frames: int
    start_pts: int  # in time_base units
    end_pts: int  # max(pts + duration), in time_base units

    @property
    def duration(self) -> Fraction:
        """Seconds from the first frame's start to the last frame's end."""
        return (self.end_pts - self.start_pts) * self.time_base

    def stream_key(self) -> tuple:
        """Clips with equal keys can be joined by stream copy."""
        return (self.codec, self.width, self.height, self.pix_fmt, self.extradata, self.rate)


def probe_clip(path: Path) -> ClipInfo:
    """Read a clip's video stream parameters and timing by demuxing (no decoding)."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaError(f"{path}: no video stream")
            stream = container.streams.video[0]
            ctx = stream.codec_context
            start, end, frames = None, None, 0
            for packet in container.demux(stream):
                if packet.pts is None:
                    continue
                frames += 1
                start = packet.pts if start is None else min(start, packet.pts)
                stop = packet.pts + (packet.duration or 0)
                end = stop if end is None else max(end, stop)
            if start is None:
                raise MediaError(f"{path}: the video stream has no frames")
            return ClipInfo(
                path=Path(path), width=ctx.width, height=ctx.height, codec=ctx.name, pix_fmt=ctx.pix_fmt or "",
                extradata=bytes(ctx.extradata or b""), time_base=Fraction(stream.time_base),
                rate=Fraction(stream.base_rate or stream.guessed_rate or stream.average_rate or 0), frames=frames,
                start_pts=start, end_pts=end,
            )
    except av.FFmpegError as exc:
        raise MediaError(f"{path}: cannot read video ({exc})") from None


def video_duration(path: Path) -> Fraction:
    """Duration in seconds of the first video stream of ``path`` (from its packets)."""
    return probe_clip(path).duration


def join_clips(clips: Sequence[ClipInfo], dest: Path, audio: Path | None = None) -> bool:
    """Join ``clips`` in order into the MP4 ``dest`` (fast start: its index before its data), with the AAC
    track of the audio-only file ``audio`` (see :func:`encode_audio`; as long as the joined clips) copied in
    as its one audio stream when given.  Stream copy of the video (no re-encoding) when all clips share
    codec, size, pixel format, rate and codec headers; otherwise re-encode with H.264.  Returns True when
    the join was a stream copy."""
    if not clips:
        raise MediaError("no clips to join")
    copy = len({c.stream_key() for c in clips}) == 1
    with atomic_path(dest) as tmp, av.open(str(tmp), "w", format="mp4", options=FASTSTART) as out:
        with _AudioCopy(out, audio) as sound:
            if copy:
                _remux(clips, out, sound)
            else:
                _reencode(clips, out, sound)
    return copy


AUDIO_CODECS = {"mp4": "aac", "webm": "libopus"}


def encode_audio(samples: np.ndarray, dest: Path, fmt: str) -> None:
    """Encode mono ``samples`` (at ``RATE``) as the audio-only ``fmt`` file ``dest`` (``mp4``: AAC at
    128 kbit/s, ``webm``: Opus), to be copied into the lecture by :func:`join_clips` / :func:`transcode`."""
    with atomic_path(dest) as tmp, av.open(str(tmp), "w", format=fmt) as out:
        stream = out.add_stream(AUDIO_CODECS[fmt], rate=RATE, layout="mono")
        stream.bit_rate = 128_000 if fmt == "mp4" else 96_000
        for frame in frames(samples):
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


class _AudioCopy:
    """The packets of an audio-only file, copied into ``out``; :meth:`until` muxes them up to a time, so
    audio and video are interleaved in the file (a browser plays while it downloads).  A no-op without
    a file."""

    def __init__(self, out: av.container.OutputContainer, audio: Path | None) -> None:
        self.out, self.audio = out, audio
        self.source: av.container.InputContainer | None = None
        self.packets: Iterator[av.Packet] = iter(())
        self.pending: av.Packet | None = None

    def _open(self) -> None:
        """Add the audio stream (after the video's: the caller adds that first) and read the first packet."""
        self.source = av.open(str(self.audio))
        template = self.source.streams.audio[0]
        self.stream = self.out.add_stream_from_template(template=template)
        self.packets = (p for p in self.source.demux(template) if p.pts is not None)
        self.pending = next(self.packets, None)

    def __enter__(self) -> _AudioCopy:
        return self

    def until(self, seconds: Fraction | None) -> None:
        """Mux the audio packets that start at or before ``seconds`` (all of them for None)."""
        if self.audio is not None and self.source is None:
            self._open()
        while self.pending is not None and (seconds is None or self.pending.pts * self.pending.time_base <= seconds):
            self.pending.stream = self.stream
            self.out.mux(self.pending)
            self.pending = next(self.packets, None)

    def __exit__(self, kind, *exc: object) -> None:
        if self.source is not None:
            if kind is None:
                self.until(None)
            self.source.close()


# the index (moov box) before the media data: a player or browser starts before the whole file has arrived
FASTSTART = {"movflags": "+faststart"}


def _remux(clips: Sequence[ClipInfo], out: av.container.OutputContainer, sound: _AudioCopy) -> None:
    with av.open(str(clips[0].path)) as first:
        out_stream = out.add_stream_from_template(template=first.streams.video[0])
    offset = Fraction(0)
    for clip in clips:
        with av.open(str(clip.path)) as src:
            in_stream = src.streams.video[0]
            shift = round(offset / clip.time_base) - clip.start_pts
            for packet in src.demux(in_stream):
                if packet.pts is None:
                    continue  # the demuxer's flush packet
                packet.pts += shift
                # decode order across the seam is recomputed by the muxer from the pts
                packet.dts = None
                packet.stream = out_stream
                sound.until(packet.pts * clip.time_base)
                out.mux(packet)
        offset += clip.duration


def _reencode(clips: Sequence[ClipInfo], out: av.container.OutputContainer, sound: _AudioCopy) -> None:
    first = clips[0]
    stream = out.add_stream("libx264", rate=first.rate)
    stream.width, stream.height, stream.pix_fmt = first.width, first.height, "yuv420p"
    stream.options = {"crf": "20"}
    index = 0
    for clip in clips:
        with av.open(str(clip.path)) as src:
            for frame in src.decode(video=0):
                frame = frame.reformat(width=first.width, height=first.height, format="yuv420p")
                frame.pts, frame.time_base = index, 1 / first.rate
                index += 1
                sound.until(Fraction(index, 1) / first.rate)
                out.mux(stream.encode(frame))
    out.mux(stream.encode())


def last_frame_png(clip: Path, dest: Path) -> None:
    """Save the clip's final frame as a PNG (seeks near the end, then decodes to the last frame)."""
    info = probe_clip(clip)
    with av.open(str(clip)) as src:
        stream = src.streams.video[0]
        near_end = max(info.start_pts, info.end_pts - round(Fraction(2) / info.time_base))
        src.seek(near_end, stream=stream, backward=True, any_frame=False)
        last = None
        for frame in src.decode(stream):
            last = frame
        if last is None:
            raise MediaError(f"{clip}: no frame could be decoded")
        with atomic_path(dest) as tmp:
            last.to_image().save(tmp, format="PNG")


def transcode(src: Path, dest: Path, fmt: str, audio: Path | None = None) -> None:
    """Re-encode the video of the MP4 ``src`` as ``fmt``: ``webm`` (VP9, with the Opus track of the
    audio-only webm ``audio`` copied in when given) or ``gif`` (one palette for the whole video; no sound)."""
    with atomic_path(dest) as tmp:
        if fmt == "webm":
            _to_webm(src, tmp, audio)
        elif fmt == "gif":
            _to_gif(src, tmp)
        else:
            raise MediaError(f"cannot transcode to {fmt!r} (use webm or gif)")


def _to_webm(src: Path, tmp: Path, audio: Path | None) -> None:
    with av.open(str(src)) as inp, av.open(str(tmp), "w", format="webm") as out, _AudioCopy(out, audio) as sound:
        in_stream = inp.streams.video[0]
        rate = in_stream.average_rate
        stream = out.add_stream("libvpx-vp9", rate=rate)
        stream.width, stream.height, stream.pix_fmt = in_stream.width, in_stream.height, "yuv420p"
        stream.options = {"crf": "32", "b": "0", "deadline": "good", "cpu-used": "4", "row-mt": "1"}
        for index, frame in enumerate(inp.decode(in_stream)):
            frame.pts, frame.time_base = index, 1 / Fraction(rate)
            sound.until(index / Fraction(rate))
            out.mux(stream.encode(frame))
        out.mux(stream.encode())


def _palette(src: Path, samples: int = 60) -> av.VideoFrame:
    """A 256-colour palette computed from about ``samples`` frames spread over the video."""
    info = probe_clip(src)
    step = max(1, info.frames // samples)
    with av.open(str(src)) as inp:
        stream = inp.streams.video[0]
        graph = av.filter.Graph()
        buffer = graph.add_buffer(template=stream)
        palettegen = graph.add("palettegen", "stats_mode=full")
        sink = graph.add("buffersink")
        buffer.link_to(palettegen)
        palettegen.link_to(sink)
        graph.configure()
        for index, frame in enumerate(inp.decode(stream)):
            if index % step == 0:
                graph.push(frame)
        graph.push(None)
        return graph.pull()


def _to_gif(src: Path, tmp: Path) -> None:
    palette = _palette(src)
    with av.open(str(src)) as inp, av.open(str(tmp), "w", format="gif") as out:
        in_stream = inp.streams.video[0]
        rate = Fraction(in_stream.average_rate)
        stream = out.add_stream("gif", rate=rate)
        stream.width, stream.height, stream.pix_fmt = in_stream.width, in_stream.height, "pal8"
        graph = av.filter.Graph()
        video_in = graph.add_buffer(template=in_stream)
        palette_in = graph.add_buffer(width=palette.width, height=palette.height, format=palette.format.name,
                                      time_base=Fraction(1, 1))
        paletteuse = graph.add("paletteuse", "dither=bayer:bayer_scale=4")
        sink = graph.add("buffersink")
        video_in.link_to(paletteuse, 0, 0)
        palette_in.link_to(paletteuse, 0, 1)
        paletteuse.link_to(sink)
        graph.configure()
        palette.pts = 0
        palette_in.push(palette)
        palette_in.push(None)
        index = 0

        def drain() -> None:
            nonlocal index
            while True:
                try:
                    frame = sink.pull()
                except (av.error.BlockingIOError, av.error.EOFError):
                    return
                frame.pts, frame.time_base = index, 1 / rate
                index += 1
                out.mux(stream.encode(frame))

        for frame in inp.decode(in_stream):
            video_in.push(frame)
            drain()
        video_in.push(None)
        drain()
        out.mux(stream.encode())

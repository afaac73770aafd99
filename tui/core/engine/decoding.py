"""Content-Encoding decoding in bounded pieces, with a size bound and a decompression-bomb guard.

    decoder_for(content_encoding, guard) -> BodyDecoder
    decoder.decode(raw) -> Iterator[bytes]   # every piece at most PIECE_SIZE bytes
    decoder.flush() -> Iterator[bytes]
    SizeGuard(max_size=..., max_ratio=..., ratio_floor=...)

Why not httpx's decoders: each one turns its whole input into one bytes object. Our socket
reads are 1 MiB (`tuning`), and 1 MiB of brotli or zstd can inflate to gigabytes in one call.
Here gzip/deflate (zlib `max_length`) and brotli (`output_buffer_limit`, brotli >= 1.2) never
produce more than about PIECE_SIZE per step (brotli: 2x); zstd (zstandard has no output cap on its push API) is fed
ZSTD_INPUT_SLICE bytes at a time through a stream writer whose every output piece is checked by
the guard, so a bomb stops at the first piece over the bound.

The guard raises `errors.BodyTooLarge` when the decoded body passes `max_size`, and
`errors.DecompressionBomb` when, past `ratio_floor` decoded bytes, decoded/received exceeds
`max_ratio` (a single gzip or deflate stream cannot pass about 1,032:1, so the default 1,100
never stops an honest gzip body).

Encodings are decoded in reverse order of the header (`gzip, br` was gzipped, then brotli'd);
unknown ones are passed through as httpx does.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from tui.core import errors

__all__ = [
    "DEFAULT_MAX_RATIO",
    "DEFAULT_RATIO_FLOOR",
    "PIECE_SIZE",
    "ZSTD_INPUT_SLICE",
    "BodyDecoder",
    "SizeGuard",
    "decoder_for",
    "supported_encodings",
]

PIECE_SIZE = 256 * 1024
ZSTD_INPUT_SLICE = 16 * 1024
DEFAULT_MAX_RATIO = 1100.0
DEFAULT_RATIO_FLOOR = 16 * 2**20


def _size(n: float) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{int(n)} bytes"


class SizeGuard:
    """Counts received and decoded bytes; raises as soon as a bound is passed."""

    __slots__ = ("decoded", "encoding", "max_ratio", "max_size", "ratio_floor", "wire")

    def __init__(
        self,
        *,
        max_size: int | None,
        max_ratio: float | None = DEFAULT_MAX_RATIO,
        ratio_floor: int = DEFAULT_RATIO_FLOOR,
        encoding: str = "",
    ) -> None:
        self.max_size = max_size
        self.max_ratio = max_ratio
        self.ratio_floor = ratio_floor
        self.encoding = encoding  # the Content-Encoding header, for messages
        self.wire = 0
        self.decoded = 0

    def received(self, n: int) -> None:
        self.wire += n

    def check(self, pending: int = 0) -> None:
        """Raise if `decoded + pending` passes a bound (pending: produced, not yet counted)."""
        total = self.decoded + pending
        if self.max_size is not None and total > self.max_size:
            raise errors.BodyTooLarge(
                f"response body over max_size = {self.max_size} bytes ({_size(self.max_size)}); stopped after"
                f" {_size(total)}; raise max_size in the request or [defaults] if this is expected",
                limit=self.max_size,
            )
        if self.encoding and self.max_ratio is not None and total > self.ratio_floor and total > self.max_ratio * max(self.wire, 1):
            raise errors.DecompressionBomb(
                f"decompression bomb? {_size(self.wire)} received inflated to over {_size(total)}"
                f" ({total / max(self.wire, 1):,.0f}:1, Content-Encoding: {self.encoding}); stopped",
                limit=self.max_size,
            )

    def add(self, n: int) -> None:
        self.decoded += n
        self.check()


_Stage = tuple[Callable[[bytes], Iterator[bytes]], Callable[[], Iterator[bytes]]]


def _zlib_stage(wbits: int, *, deflate: bool = False) -> _Stage:
    state: dict[str, Any] = {"d": zlib.decompressobj(wbits), "first": deflate}

    def run(data: bytes) -> Iterator[bytes]:
        d = state["d"]
        try:
            out = d.decompress(data, PIECE_SIZE)
        except zlib.error:
            if not state["first"]:
                raise
            # "deflate" without the zlib header (what many servers send): raw deflate, as httpx
            state["first"] = False
            d = state["d"] = zlib.decompressobj(-zlib.MAX_WBITS)
            out = d.decompress(data, PIECE_SIZE)
        state["first"] = False
        if out:
            yield out
        while d.unconsumed_tail:
            out = d.decompress(d.unconsumed_tail, PIECE_SIZE)
            if out:
                yield out

    def flush() -> Iterator[bytes]:
        out = state["d"].flush()
        if out:
            yield out

    return run, flush


def _brotli_stage() -> _Stage:
    import brotli  # the google package: process(..., output_buffer_limit=) since 1.2

    d = brotli.Decompressor()

    def run(data: bytes) -> Iterator[bytes]:
        out = d.process(data, output_buffer_limit=PIECE_SIZE)
        if out:
            yield out
        # The limit is soft (brotli stops at its next internal block, ~2 pieces); what is left
        # comes out of further calls with empty input, until it needs more input or is finished.
        while not d.is_finished():
            out = d.process(b"", output_buffer_limit=PIECE_SIZE)
            if not out:
                break
            yield out

    def flush() -> Iterator[bytes]:
        return iter(())

    return run, flush


def _zstd_stage(guard: SizeGuard) -> _Stage:
    import zstandard

    pieces: list[bytes] = []

    class _Collect:
        def write(self, data: bytes) -> int:
            pieces.append(bytes(data))
            guard.check(sum(map(len, pieces)))  # a bomb stops here, at one piece over the bound
            return len(data)

    writer = zstandard.ZstdDecompressor().stream_writer(_Collect(), write_size=PIECE_SIZE)  # type: ignore[arg-type]

    def run(data: bytes) -> Iterator[bytes]:
        view = memoryview(data)
        for start in range(0, len(view), ZSTD_INPUT_SLICE):
            writer.write(view[start : start + ZSTD_INPUT_SLICE])
            while pieces:
                yield pieces.pop(0)

    def flush() -> Iterator[bytes]:
        writer.flush()  # type: ignore[no-untyped-call]
        while pieces:
            yield pieces.pop(0)

    return run, flush


FALLBACK_INPUT_SLICE = 1024


def _httpx_stage(name: str) -> Callable[[SizeGuard], _Stage]:
    """An encoding httpx decodes (it advertises it) but we have no capped decoder for (an old
    brotli, brotlicffi): httpx's decoder fed FALLBACK_INPUT_SLICE bytes at a time, so one call
    inflates at most that slice; the guard checks every output."""

    def make(_guard: SizeGuard) -> _Stage:
        from httpx._decoders import SUPPORTED_DECODERS

        decoder = SUPPORTED_DECODERS[name]()

        def run(data: bytes) -> Iterator[bytes]:
            for start in range(0, len(data), FALLBACK_INPUT_SLICE):
                out = decoder.decode(data[start : start + FALLBACK_INPUT_SLICE])
                if out:
                    yield out

        def flush() -> Iterator[bytes]:
            out = decoder.flush()
            if out:
                yield out

        return run, flush

    return make


def _available() -> dict[str, Callable[[SizeGuard], _Stage]]:
    stages: dict[str, Callable[[SizeGuard], _Stage]] = {
        "gzip": lambda _g: _zlib_stage(zlib.MAX_WBITS | 16),
        "x-gzip": lambda _g: _zlib_stage(zlib.MAX_WBITS | 16),
        "deflate": lambda _g: _zlib_stage(zlib.MAX_WBITS, deflate=True),
    }
    global _DECODE_ERRORS
    found: list[type[BaseException]] = [zlib.error, ValueError]
    try:
        import brotli

        if hasattr(brotli.Decompressor(), "can_accept_more_data"):
            stages["br"] = lambda _g: _brotli_stage()
            found.append(brotli.error)
    except ImportError:
        pass
    try:
        import zstandard

        stages["zstd"] = _zstd_stage
        found.append(zstandard.ZstdError)
    except ImportError:
        pass
    try:
        import httpx
        from httpx._decoders import SUPPORTED_DECODERS
    except ImportError:  # pragma: no cover
        pass
    else:
        found.append(httpx.DecodingError)
        for name in SUPPORTED_DECODERS:
            if name != "identity" and name not in stages:
                stages[name] = _httpx_stage(name)
    _DECODE_ERRORS = tuple(found)
    return stages


_STAGES: dict[str, Callable[[SizeGuard], _Stage]] | None = None
_DECODE_ERRORS: tuple[type[BaseException], ...] = (zlib.error, ValueError)


def supported_encodings() -> tuple[str, ...]:
    """The Content-Encodings decoded in bounded pieces here."""
    global _STAGES
    if _STAGES is None:
        _STAGES = _available()
    return tuple(_STAGES)


class BodyDecoder:
    """A chain of stages; `decode`/`flush` yield decoded pieces (counted by the guard)."""

    def __init__(self, stages: Sequence[_Stage], guard: SizeGuard) -> None:
        self._stages = list(stages)
        self.guard = guard

    def _through(self, index: int, pieces: Iterator[bytes]) -> Iterator[bytes]:
        if index == len(self._stages):
            for piece in pieces:
                self.guard.add(len(piece))
                yield piece
            return
        run, _ = self._stages[index]
        for piece in pieces:
            yield from self._through(index + 1, run(piece))

    def decode(self, raw: bytes) -> Iterator[bytes]:
        self.guard.received(len(raw))
        try:
            yield from self._through(0, iter((raw,)) if raw else iter(()))
        except _DECODE_ERRORS as exc:
            raise errors.ProtocolError(f"cannot decode the response body ({self.guard.encoding}): {exc}") from exc

    def flush(self) -> Iterator[bytes]:
        try:
            for index, (_, flush) in enumerate(self._stages):
                yield from self._through(index + 1, flush())
        except _DECODE_ERRORS as exc:
            raise errors.ProtocolError(f"cannot decode the end of the response body ({self.guard.encoding}): {exc}") from exc


def decoder_for(content_encoding: str | None, guard: SizeGuard) -> BodyDecoder:
    """The decoder for a Content-Encoding header value (None or empty: identity)."""
    supported = supported_encodings()
    assert _STAGES is not None
    names = [part.strip().lower() for part in (content_encoding or "").split(",")]
    known = [name for name in names if name in supported]
    guard.encoding = ", ".join(known)
    stages = [_STAGES[name](guard) for name in reversed(known)]
    return BodyDecoder(stages, guard)

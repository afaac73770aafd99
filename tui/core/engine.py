"""The one persistent httpx.AsyncClient: build, send, stream, time, cancel.

OWNER: engine helper. Public surface (others code against it):

    class Engine:
        def __init__(self, *, memory_limit: int = 64 * 2**20, spill_dir: Path | None = None) -> None
        async def __aenter__(self) -> Engine ; async def __aexit__(...) ; async def aclose(self) -> None
        async def send(self, request: ResolvedRequest, on_event: EventHandler | None = None) -> Response
            # raises tui.core.errors.RequestError subclasses (also reported as Failed event);
            # on asyncio cancellation: emits Failed(Cancelled(part_path=...)), keeps .part, re-raises CancelledError.
        client_count: int   # number of pooled clients created (keyed by verify/http2/cert/proxy)
"""

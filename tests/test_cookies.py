"""Cookie jars against the local httpbin: persisted per collection in the history file (a new
Engine and a reopened History = a restart), attributes kept, `cookies = false`, Netscape files,
and every `--repeat` iteration starting from the same jar as the first."""

from __future__ import annotations

import http.cookiejar
from pathlib import Path

import pytest

from tui.core.collection import store
from tui.core.engine import Engine, ResolvedRequest
from tui.core.errors import CookieFileError
from tui.core.history import History, load_cookie_file, save_cookie_file
from tui.core.replay import RunOptions, run


def _get(name: str, url: str, *, cookies: bool = True) -> ResolvedRequest:
    return ResolvedRequest(name=name, method="GET", url=url, follow_redirects=False, cookies=cookies)


async def test_cookies_set_by_httpbin_survive_a_restart(tmp_path: Path, httpbin_url: str) -> None:
    db, collection = tmp_path / "h.db", tmp_path / "api.toml"
    with History.open(db) as history:
        async with Engine(cookies=history.cookies.load(collection)) as engine:
            response = await engine.send(_get("login", f"{httpbin_url}/cookies/set?session=abc123&theme=dark"))
            assert response.status == 302
            assert history.cookies.save(collection, engine.cookies)
    # the restart: a new History on the same file, a new Engine
    with History.open(db) as history:
        saved = {c.name: c for c in history.cookies.list(collection)}
        assert set(saved) == {"session", "theme"} and saved["session"].domain == "127.0.0.1"
        assert history.cookies.load(tmp_path / "other.toml") is not None
        assert list(history.cookies.load(tmp_path / "other.toml")) == []  # per collection
        async with Engine(cookies=history.cookies.load(collection)) as engine:
            echoed = (await engine.send(_get("who", f"{httpbin_url}/cookies"))).json()
    assert echoed == {"cookies": {"session": "abc123", "theme": "dark"}}


async def test_expiry_path_secure_and_httponly_are_kept(tmp_path: Path, httpbin_url: str) -> None:
    set_cookie = "/response-headers?Set-Cookie=a%3D1%3B%20Path%3D%2Fcookies%3B%20Max-Age%3D3600%3B%20HttpOnly"
    secure = "&Set-Cookie=s%3D2%3B%20Secure"
    gone = "&Set-Cookie=old%3D3%3B%20Max-Age%3D0"
    with History.open(tmp_path / "h.db") as history:
        async with Engine() as engine:
            await engine.send(_get("set", httpbin_url + set_cookie + secure + gone))
            history.cookies.save("c.toml", engine.cookies)
        stored = {c.name: c for c in history.cookies.list("c.toml")}
        assert set(stored) == {"a", "s"}  # Max-Age=0 deleted it
        assert stored["a"].path == "/cookies" and stored["a"].http_only and stored["a"].expires is not None
        assert stored["s"].secure and stored["s"].expires is None
        async with Engine(cookies=history.cookies.load("c.toml")) as engine:
            sent = (await engine.send(_get("echo", f"{httpbin_url}/cookies"))).json()
            elsewhere = (await engine.send(_get("echo2", f"{httpbin_url}/headers"))).json()
    assert sent == {"cookies": {"a": "1"}}  # s is Secure: not over plain http
    assert "Cookie" not in elsewhere["headers"]  # a is for /cookies only


async def test_delete_one_and_clear(tmp_path: Path, httpbin_url: str) -> None:
    with History.open(tmp_path / "h.db") as history:
        async with Engine() as engine:
            await engine.send(_get("set", f"{httpbin_url}/cookies/set?x=1&y=2"))
            history.cookies.save("a.toml", engine.cookies)
            history.cookies.save("b.toml", engine.cookies)
        assert history.cookies.delete("a.toml", "127.0.0.1", "/", "x")
        assert [c.name for c in history.cookies.list("a.toml")] == ["y"]
        assert history.cookies.clear("a.toml") == 1
        assert len(history.cookies.list()) == 2
        assert history.cookies.clear() == 2


async def test_cookies_false_neither_stores_nor_sends(httpbin_url: str) -> None:
    async with Engine() as engine:
        await engine.send(_get("off", f"{httpbin_url}/cookies/set?nope=1", cookies=False))
        assert list(engine.cookies) == []
        await engine.send(_get("on", f"{httpbin_url}/cookies/set?yes=1"))
        assert (await engine.send(_get("off", f"{httpbin_url}/cookies", cookies=False))).json() == {"cookies": {}}
        assert (await engine.send(_get("on", f"{httpbin_url}/cookies"))).json() == {"cookies": {"yes": "1"}}


def test_cookies_false_in_the_collection_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('format = 1\n[defaults]\ncookies = false\n[[requests]]\nname = "a"\nurl = "http://x/"\ncookies = true\n[[requests]]\nname = "b"\nurl = "http://x/"\n')
    collection = store.load(path)
    assert collection.defaults.cookies is False and collection.requests[0].cookies is True
    from tui.core.collection.variables import resolve

    assert resolve(collection, collection.requests[0]).cookies is True
    assert resolve(collection, collection.requests[1]).cookies is False
    assert "cookies = false" in store.dumps(collection) and store.loads(store.dumps(collection)) == collection
    path.write_text('format = 1\n[defaults]\ncookies = "no"\n')
    with pytest.raises(Exception, match="cookies"):
        store.load(path)


async def test_each_repeat_starts_from_the_same_cookies(tmp_path: Path, httpbin_url: str) -> None:
    """The first request checks 'no cookie yet'; the second logs in. On iteration 2 the first
    request must again see no cookie, as captures are reset too."""
    path = tmp_path / "c.toml"
    path.write_text(
        f'format = 1\n[[requests]]\nname = "check"\nurl = "{httpbin_url}/cookies"\n'
        f'[[requests]]\nname = "login"\nurl = "{httpbin_url}/cookies/set?sid=42"\nfollow_redirects = false\n'
    )
    collection = store.load(path)
    jar = http.cookiejar.CookieJar()
    async with Engine(cookies=jar) as engine:
        summary = await run(collection, RunOptions(repeat=3), engine=engine)
    seen = [r.response.json()["cookies"] for r in summary.results if r.name == "check" and r.response is not None]
    assert seen == [{}, {}, {}]
    assert {c.name: c.value for c in jar} == {"sid": "42"}  # the last iteration's jar is kept


async def test_a_netscape_cookie_file_round_trip(tmp_path: Path, httpbin_url: str) -> None:
    cookie_file = tmp_path / "cookies.txt"
    jar = load_cookie_file(cookie_file)  # missing: empty, saved on the way out
    async with Engine(cookies=jar) as engine:
        await engine.send(_get("set", f"{httpbin_url}/cookies/set?k=v1"))
    save_cookie_file(jar)
    text = cookie_file.read_text()
    assert text.startswith("# Netscape HTTP Cookie File") and "\tk\tv1" in text
    again = load_cookie_file(cookie_file)
    async with Engine(cookies=again) as engine:
        assert (await engine.send(_get("get", f"{httpbin_url}/cookies"))).json() == {"cookies": {"k": "v1"}}
    cookie_file.write_text("not a cookie file\n")
    with pytest.raises(CookieFileError, match="not a Netscape/Mozilla cookie file"):
        load_cookie_file(cookie_file)

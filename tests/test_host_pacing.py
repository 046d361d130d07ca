"""The per-host limiter slows down when the site's responses slow down, and gives the
capacity back when they recover (real asyncio semaphores; response times fed directly)."""

import asyncio

from auditor.scan import HostLimiter


def test_slow_responses_reduce_pages_in_flight_then_recover():
    async def scenario() -> tuple[list[int], list[str], float]:
        lim = HostLimiter(per_host=3, delay=0)
        host = "gov.example"
        caps = []
        for t in [0.2] * 5:  # the baseline: 200 ms
            lim.observe(host, t)
        caps.append(lim.capacity(host))
        for _ in range(6):  # the site slows to 3 s a response
            lim.observe(host, 3.0)
            await asyncio.sleep(0)
        caps.append(lim.capacity(host))
        # still slow at one page in flight: requests are spaced out instead
        extra_when_slow = lim._extra.get(host, 0.0)
        for _ in range(30):  # back to normal
            lim.observe(host, 0.2)
            await asyncio.sleep(0)
        caps.append(lim.capacity(host))
        # the held permits really are out of circulation and back again: 3 acquire at once
        got = await asyncio.wait_for(asyncio.gather(*(lim.acquire(f"http://{host}/p{i}") for i in range(3))), 2)
        assert got == [host] * 3
        return caps, lim.events, extra_when_slow

    caps, events, extra = asyncio.run(scenario())
    assert caps == [3, 1, 3], caps
    assert extra > 0
    assert any("slowed down" in e for e in events) and any("recovered" in e for e in events)


def test_fast_sites_jitter_without_slowing():
    lim = HostLimiter(per_host=2, delay=0)
    for t in [0.01] * 5 + [0.05, 0.2, 0.03, 0.4, 0.02] * 4:  # 40x the baseline, but well under 1 s
        lim.observe("fast.example", t)
    assert lim.capacity("fast.example") == 2 and not lim.events

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


def test_pacing_record_counts_everything_and_keeps_a_bounded_log():
    async def scenario() -> HostLimiter:
        lim = HostLimiter(per_host=2, delay=0.5)
        lim.busy("a.example", 429)
        lim.back_off("a.example", 3.0)
        lim.busy("a.example", 503)
        lim.busy("a.example", 503)
        for i in range(HostLimiter.MAX_EVENTS + 20):  # many hosts, each slowing down once
            host = f"h{i}.example"
            for t in [0.2] * 5 + [9.0]:
                lim.observe(host, t)
            await asyncio.sleep(0)
        return lim

    lim = asyncio.run(scenario())
    s = lim.summary()
    assert s["busy_answers"] == {"429": 1, "503": 2}
    assert s["pauses"] == 1 and s["longest_pause_s"] == 3.0
    assert s["min_in_flight"] == 1 and s["max_spacing_s"] == 1.0
    assert s["slowdowns"] == HostLimiter.MAX_EVENTS + 20
    assert len(s["events"]) == HostLimiter.MAX_EVENTS and s["events_total"] == HostLimiter.MAX_EVENTS + 21
    assert s["events"][0].endswith("a.example asked to slow down: paused 3.0s, then 1.0s between requests")
    assert "h0.example slowed down" in s["events"][1] and "1 page(s) in flight" in s["events"][1]


def test_resumed_scan_carries_the_earlier_pacing_record():
    first = HostLimiter(per_host=3, delay=0)
    first.busy("a.example", 429)
    first.back_off("a.example", 2.0)
    later = HostLimiter(per_host=3, delay=0)
    later.restore(first.summary())
    later.busy("a.example", 429)
    s = later.summary()
    assert s["busy_answers"] == {"429": 2} and s["pauses"] == 1 and s["events_total"] == 1
    assert s["events"][-1] == "(resumed)"
    later.restore(None)  # runs stored before pacing was recorded
    assert later.summary()["busy_answers"] == {"429": 2}


def test_pacing_note_says_what_the_site_did_and_nothing_when_it_did_nothing():
    from auditor.report import pacing_note

    calm = HostLimiter(per_host=2, delay=0).summary()
    assert pacing_note(calm) is None and pacing_note(None) is None
    lim = HostLimiter(per_host=2, delay=0)
    lim.busy("a.example", 503)
    lim.back_off("a.example", 1.5)
    note = pacing_note(lim.summary())
    assert note.startswith('The site answered 1 request with "slow down" (1 x 503).')
    assert "paused 1 time (up to 1.5 s)" in note and "0.5 s apart" in note

"""The collector pause puts the cyclic collector back as it found it."""

import gc

import pytest

from core.memory import cyclic_gc_paused


@pytest.fixture
def collector_enabled():
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_held_back_inside_and_back_after(collector_enabled):
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_comes_back_after_an_error(collector_enabled):
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        raise RuntimeError("in the block")
    assert gc.isenabled()


def test_a_nested_pause_leaves_the_outer_one_in_force(collector_enabled):
    with cyclic_gc_paused():
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_elsewhere_stays_off(collector_enabled):
    gc.disable()
    with cyclic_gc_paused():
        pass
    assert not gc.isenabled()


def test_the_ranking_runs_with_the_collector_held_back(collector_enabled, monkeypatch):
    from jury import ranking

    seen = []
    real = ranking._borda
    monkeypatch.setattr(
        ranking, "_borda", lambda by_juror: seen.append(gc.isenabled()) or real(by_juror)
    )

    ranking.rank_round([ranking.Score(1, 1, 5.0), ranking.Score(2, 1, 7.0)])

    assert seen == [False] and gc.isenabled()

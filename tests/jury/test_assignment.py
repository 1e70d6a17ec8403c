import itertools
import math
import random
from collections import Counter, deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jury.assignment import Assignment, Shortfall, assign

# The oracles below are deliberately naive (a textbook max-flow, brute force over every panel)
# so that they share nothing with the module's greedy start and improving paths.


@st.composite
def juries(draw, *, max_jurors=12, max_entries=40, with_conflicts=True):
    # sampled_from draws sizes evenly, where integers() and lists() favour tiny juries.
    juror_count = draw(st.sampled_from(range(1, max_jurors + 1)))
    entry_count = draw(st.sampled_from(range(max_entries + 1)))
    # None gives each juror a density of their own, which makes lopsided juries.
    density = draw(st.sampled_from([0.0, 0.1, 0.3, 0.6, 0.9, None])) if with_conflicts else 0.0
    rnd = random.Random(draw(st.integers(0, 2**16)))
    jurors = rnd.sample(range(1, 1000), juror_count)
    entries = rnd.sample(range(1, 10_000), entry_count)
    densities = {j: rnd.random() if density is None else density for j in jurors}
    conflicts = {(j, e) for j in jurors for e in entries if rnd.random() < densities[j]}
    return jurors, entries, conflicts


@st.composite
def juries_with_fixed(draw, **jury_options):
    """A jury plus a random set of unconflicted pairs already assigned by hand."""
    jurors, entries, conflicts = draw(juries(**jury_options))
    # "heavy" piles the fixed pairs on one juror, which the balancing can then only work around.
    density = draw(st.sampled_from([0.0, 0.05, 0.2, 0.5, "heavy"]))
    rnd = random.Random(draw(st.integers(0, 2**16)))
    heavy = rnd.choice(jurors)
    free = [(j, e) for j in jurors for e in entries if (j, e) not in conflicts]
    if density == "heavy":
        fixed = {(j, e) for j, e in free if j == heavy and rnd.random() < 0.7}
    else:
        fixed = {pair for pair in free if rnd.random() < density}
    return jurors, entries, conflicts, fixed


def _eligible(jurors, entries, conflicts):
    return {e: [j for j in jurors if (j, e) not in conflicts] for e in entries}


def _max_flow(capacity, source, sink):
    """Edmonds-Karp on ``{node: {node: capacity}}``."""
    residual = {node: dict(arcs) for node, arcs in capacity.items()}
    for node, arcs in capacity.items():
        for target in arcs:
            residual.setdefault(target, {}).setdefault(node, 0)
    total = 0
    while True:
        parent = {source: None}
        queue = deque([source])
        while queue and sink not in parent:
            node = queue.popleft()
            for target, room in residual[node].items():
                if room > 0 and target not in parent:
                    parent[target] = node
                    queue.append(target)
        if sink not in parent:
            return total
        path, node = [], sink
        while parent[node] is not None:
            path.append((parent[node], node))
            node = parent[node]
        pushed = min(residual[a][b] for a, b in path)
        for a, b in path:
            residual[a][b] -= pushed
            residual[b][a] += pushed
        total += pushed


def _flow_under_load_cap(eligible, panel_sizes, cap, *, base=None):
    """Most assignments with entry e taking at most panel_sizes[e] jurors, each at most cap.

    ``base`` gives each juror a load they already carry (their fixed pairs): it eats into cap.
    """
    base = base or {}
    network = {"s": {("e", e): size for e, size in panel_sizes.items()}}
    for e, js in eligible.items():
        network[("e", e)] = {("j", j): 1 for j in js}
        for j in js:
            network[("j", j)] = {"t": cap - base.get(j, 0)}
    return _max_flow(network, "s", "t")


def _flow_over_load_floor(jurors, eligible, panel_sizes, floor, *, base=None):
    """Mirror network: each juror asks for `floor` distinct entries, entries give panel_sizes.

    ``base`` counts towards the floor: such a juror asks for that many entries fewer.
    """
    base = base or {}
    network = {"s": {("j", j): max(0, floor - base.get(j, 0)) for j in jurors}}
    network |= {("j", j): {} for j in jurors}
    for e, js in eligible.items():
        for j in js:
            network[("j", j)][("e", e)] = 1
        network[("e", e)] = {"t": panel_sizes[e]}
    return _max_flow(network, "s", "t")


def _best_max_load(jurors, eligible, wanted, *, base=None):
    base = base or {}
    total = sum(wanted.values())
    cap = max([math.ceil((total + sum(base.values())) / len(jurors)), *base.values()])
    while _flow_under_load_cap(eligible, wanted, cap, base=base) < total:
        cap += 1
    return cap


def _best_min_load(jurors, eligible, wanted, *, base=None):
    # Jurors holding `floor` entries each, entries not over their size, extend to full panels
    # (adding jurors to a panel only raises loads), so this flow decides the best minimum.
    base = base or {}
    floor = (sum(wanted.values()) + sum(base.values())) // len(jurors)

    def reachable(floor):
        asked = sum(max(0, floor - base.get(j, 0)) for j in jurors)
        return _flow_over_load_floor(jurors, eligible, wanted, floor, base=base) == asked

    while floor > 0 and not reachable(floor):
        floor -= 1
    return floor


def _wanted(eligible, per_entry, fixed=()):
    on_entry = Counter(e for _, e in fixed)
    return {
        e: max(on_entry[e], len(js) if per_entry is None else min(per_entry, len(js)))
        for e, js in eligible.items()
    }


def _movable_part(jurors, entries, conflicts, fixed, per_entry):
    """What is left to plan once the fixed pairs are placed: eligibility, panel sizes, loads."""
    eligible = _eligible(jurors, entries, conflicts)
    wanted = _wanted(eligible, per_entry, fixed)
    on_entry = Counter(e for _, e in fixed)
    movable_eligible = {e: [j for j in js if (j, e) not in fixed] for e, js in eligible.items()}
    movable_wanted = {e: wanted[e] - on_entry[e] for e in entries}
    base = Counter(j for j, _ in fixed)
    return movable_eligible, movable_wanted, base


def _improving_moves(result, eligible, fixed):
    """Every (giver, receiver) where a movable unit can travel along an alternating path from
    the giver to a receiver at least two lighter: a naive BFS from each juror in turn."""
    loads = result.loads
    held = {j: [] for j in loads}
    for e, panel in result.by_entry.items():
        for j in panel:
            if (j, e) not in fixed:
                held[j].append(e)
    found = []
    for giver in loads:
        seen, queue = {giver}, deque([giver])
        while queue:
            for e in held[queue.popleft()]:
                for receiver in eligible[e]:
                    if receiver not in seen and receiver not in result.by_entry[e]:
                        seen.add(receiver)
                        queue.append(receiver)
        found += [(giver, r) for r in seen if loads[giver] - loads[r] >= 2]
    return found


def _assign_drawn(jury, per_entry, seed):
    """``assign`` on a jury drawn by ``juries_with_fixed``."""
    jurors, entries, conflicts, fixed = jury
    return assign(
        jurors=jurors,
        entries=entries,
        conflicts=conflicts,
        per_entry=per_entry,
        seed=seed,
        fixed=fixed,
    )


def _assert_well_formed(result, jurors, entries, conflicts, per_entry, fixed=()):
    """What every result holds: the fixed pairs kept, no conflicted pair, panels sorted with no
    juror twice, loads that agree with the panels, each panel as full as conflicts allow (and
    the fixed pairs make it), and exactly the entries short of ``per_entry`` reported, for
    conflicts."""
    pairs = {(j, e) for e, panel in result.by_entry.items() for j in panel}
    assert set(fixed) <= pairs
    assert not pairs & set(conflicts)
    for panel in result.by_entry.values():
        assert list(panel) == sorted(set(panel))
    counted = Counter(j for j, _ in pairs)
    assert result.loads == {j: counted[j] for j in jurors}
    eligible = _eligible(jurors, entries, conflicts)
    wanted = _wanted(eligible, per_entry, fixed)
    assert {e: len(panel) for e, panel in result.by_entry.items()} == wanted
    expected_shortfalls = (
        ()
        if per_entry is None
        else tuple(
            Shortfall(e, wanted[e], per_entry, "conflicts", len(eligible[e]))
            for e in sorted(entries)
            if wanted[e] < per_entry
        )
    )
    assert result.shortfalls == expected_shortfalls


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(jury=juries(), per_entry=st.none() | st.integers(1, 5), seed=st.integers(0, 2**32))
def test_assign_keeps_panels_valid_full_and_reported(jury, per_entry, seed):
    jurors, entries, conflicts = jury

    result = assign(
        jurors=jurors, entries=entries, conflicts=conflicts, per_entry=per_entry, seed=seed
    )

    _assert_well_formed(result, jurors, entries, conflicts, per_entry)
    # The total is the maximum flow with panels capped at k.
    eligible = _eligible(jurors, entries, conflicts)
    panel_cap = dict.fromkeys(entries, per_entry if per_entry is not None else len(jurors))
    assert sum(result.loads.values()) == _flow_under_load_cap(eligible, panel_cap, len(entries))


@settings(max_examples=200, deadline=None)
@given(jury=juries(), per_entry=st.integers(1, 5), seed=st.integers(0, 2**32))
def test_assign_balances_loads_as_evenly_as_conflicts_allow(jury, per_entry, seed):
    jurors, entries, conflicts = jury

    result = assign(
        jurors=jurors, entries=entries, conflicts=conflicts, per_entry=per_entry, seed=seed
    )

    eligible = _eligible(jurors, entries, conflicts)
    wanted = _wanted(eligible, per_entry)
    loads = result.loads
    assert max(loads.values()) == _best_max_load(jurors, eligible, wanted)
    assert min(loads.values()) == _best_min_load(jurors, eligible, wanted)
    # No single hand-over to a juror two or more lighter is possible.
    for entry, panel in result.by_entry.items():
        for giver in panel:
            for receiver in eligible[entry]:
                if receiver not in panel:
                    assert loads[giver] - loads[receiver] <= 1, (entry, giver, receiver)
    if not conflicts:
        assert max(loads.values()) - min(loads.values()) <= 1


@settings(max_examples=100, deadline=None)
@given(jury=juries(with_conflicts=False), per_entry=st.integers(1, 5), seed=st.integers(0, 2**32))
def test_assign_without_conflicts_gives_every_entry_k_and_loads_within_one(jury, per_entry, seed):
    jurors, entries, _ = jury

    result = assign(jurors=jurors, entries=entries, conflicts=(), per_entry=per_entry, seed=seed)

    expected_size = min(per_entry, len(jurors))
    assert {len(panel) for panel in result.by_entry.values()} <= {expected_size}
    assert max(result.loads.values()) - min(result.loads.values()) <= 1


@settings(max_examples=150, deadline=None)
@given(
    jury=juries(max_jurors=4, max_entries=4), per_entry=st.integers(1, 3), seed=st.integers(0, 9)
)
def test_assign_matches_brute_force_on_tiny_juries(jury, per_entry, seed):
    jurors, entries, conflicts = jury
    eligible = _eligible(jurors, entries, conflicts)
    choices = [
        [c for size in range(per_entry + 1) for c in itertools.combinations(eligible[e], size)]
        for e in entries
    ]
    best_total, best_loads = -1, None
    for panels in itertools.product(*choices):
        counted = Counter(j for panel in panels for j in panel)
        total = sum(counted.values())
        # Heaviest first, compared lexicographically: the "decreasingly minimal" load vector.
        key = sorted((counted[j] for j in jurors), reverse=True)
        if total > best_total or (total == best_total and key < best_loads):
            best_total, best_loads = total, key

    result = assign(
        jurors=jurors, entries=entries, conflicts=conflicts, per_entry=per_entry, seed=seed
    )

    assert sorted(result.loads.values(), reverse=True) == best_loads


@settings(max_examples=100, deadline=None)
@given(jury=juries(), per_entry=st.none() | st.integers(1, 5), seed=st.integers(0, 2**32))
def test_assign_is_deterministic_for_a_seed_whatever_the_input_order(jury, per_entry, seed):
    jurors, entries, conflicts = jury
    first = assign(
        jurors=jurors, entries=entries, conflicts=conflicts, per_entry=per_entry, seed=seed
    )

    again = assign(
        jurors=list(reversed(jurors)),
        entries=list(reversed(entries)),
        conflicts=sorted(conflicts),
        per_entry=per_entry,
        seed=seed,
    )

    assert again == first


# --- examples -------------------------------------------------------------------------------


def test_assign_three_by_three_k2_gives_every_juror_two():
    result = assign(jurors=[1, 2, 3], entries=[10, 11, 12], conflicts=(), per_entry=2, seed=0)

    assert result.loads == {1: 2, 2: 2, 3: 2}
    missing = [({1, 2, 3} - set(panel)).pop() for panel in result.by_entry.values()]
    assert sorted(missing) == [1, 2, 3]
    assert result.shortfalls == ()


def test_assign_juror_conflicted_with_everything_gets_nothing():
    result = assign(
        jurors=[1, 2, 3], entries=[10, 11], conflicts={(3, 10), (3, 11)}, per_entry=2, seed=0
    )

    assert result.by_entry == {10: (1, 2), 11: (1, 2)}
    assert result.loads == {1: 2, 2: 2, 3: 0}
    assert result.shortfalls == ()


def test_assign_entry_with_one_free_juror_falls_short_for_conflicts():
    result = assign(
        jurors=[1, 2, 3], entries=[10, 11], conflicts={(2, 10), (3, 10)}, per_entry=3, seed=0
    )

    assert result.by_entry == {10: (1,), 11: (1, 2, 3)}
    assert result.loads == {1: 2, 2: 1, 3: 1}
    assert result.shortfalls == (
        Shortfall(entry=10, assigned=1, wanted=3, reason="conflicts", available=1),
    )


def test_assign_routes_around_conflicts_to_balance():
    # Juror 3 can only take entry 12, so 10 and 11 must go to jurors 1 and 2.
    conflicts = {(3, 10), (3, 11)}

    result = assign(
        jurors=[1, 2, 3], entries=[10, 11, 12], conflicts=conflicts, per_entry=1, seed=4
    )

    assert result.by_entry[12] == (3,)
    assert result.loads == {1: 1, 2: 1, 3: 1}


@pytest.mark.parametrize("seed", range(4))
def test_assign_balances_the_others_below_a_juror_forced_to_be_heavy(seed):
    # Juror 1 alone can take 10, 11 and 15. Balancing must still reach below that peak: 13 and
    # 14 go to jurors 2 and 3, not both to 2 (with seed 3 the greedy start does the latter).
    conflicts = {(1, 12), (1, 14), (2, 10), (2, 11), (2, 12), (2, 15)}
    conflicts |= {(3, 10), (3, 11), (3, 12), (3, 13), (3, 15)}

    result = assign(
        jurors=[1, 2, 3],
        entries=[10, 11, 12, 13, 14, 15],
        conflicts=conflicts,
        per_entry=1,
        seed=seed,
    )

    assert result.by_entry == {10: (1,), 11: (1,), 12: (), 13: (2,), 14: (3,), 15: (1,)}
    assert result.loads == {1: 3, 2: 1, 3: 1}
    assert result.shortfalls == (
        Shortfall(entry=12, assigned=0, wanted=1, reason="conflicts", available=0),
    )


def test_assign_everyone_scores_everything_unconflicted_when_per_entry_is_none():
    result = assign(jurors=[1, 2, 3], entries=[10, 11], conflicts={(1, 10)}, per_entry=None, seed=0)

    assert result.by_entry == {10: (2, 3), 11: (1, 2, 3)}
    assert result.loads == {1: 1, 2: 2, 3: 2}
    assert result.shortfalls == ()


def test_assign_more_wanted_than_jurors_falls_short_on_every_entry():
    result = assign(jurors=[1, 2], entries=[10, 11], conflicts=(), per_entry=3, seed=0)

    assert result.by_entry == {10: (1, 2), 11: (1, 2)}
    assert result.shortfalls == (
        Shortfall(entry=10, assigned=2, wanted=3, reason="conflicts", available=2),
        Shortfall(entry=11, assigned=2, wanted=3, reason="conflicts", available=2),
    )


def test_assign_without_jurors_leaves_every_entry_short():
    result = assign(jurors=[], entries=[10], conflicts=(), per_entry=1, seed=0)

    assert result == Assignment(
        by_entry={10: ()},
        loads={},
        shortfalls=(Shortfall(entry=10, assigned=0, wanted=1, reason="conflicts", available=0),),
    )


def test_assign_without_entries_leaves_every_juror_idle():
    result = assign(jurors=[1, 2], entries=[], conflicts=(), per_entry=1, seed=0)

    assert result == Assignment(by_entry={}, loads={1: 0, 2: 0}, shortfalls=())


def test_assign_seed_varies_panels_on_a_symmetric_jury():
    panels = {
        tuple(
            assign(
                jurors=[1, 2, 3, 4], entries=[10, 11, 12], conflicts=(), per_entry=2, seed=s
            ).by_entry.items()
        )
        for s in range(10)
    }

    assert len(panels) > 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"per_entry": 0}, "per_entry must be at least 1"),
        ({"per_entry": -2}, "per_entry must be at least 1"),
        ({"jurors": [1, 2, 1]}, r"Duplicate juror ids: \[1\]"),
        ({"entries": [10, 10, 11]}, r"Duplicate entry ids: \[10\]"),
        ({"conflicts": {(9, 10)}}, r"unknown juror ids: \[9\]"),
        ({"conflicts": {(1, 99)}}, r"unknown entry ids: \[99\]"),
    ],
)
def test_assign_rejects_invalid_input(kwargs, message):
    arguments = {"jurors": [1, 2], "entries": [10, 11], "conflicts": (), "per_entry": 1, "seed": 0}

    with pytest.raises(ValueError, match=message):
        assign(**(arguments | kwargs))


# --- fixed pairs: properties ----------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    jury=juries_with_fixed(), per_entry=st.none() | st.integers(1, 5), seed=st.integers(0, 2**32)
)
def test_assign_keeps_fixed_pairs_and_tops_panels_up(jury, per_entry, seed):
    jurors, entries, conflicts, fixed = jury

    result = _assign_drawn(jury, per_entry, seed)

    _assert_well_formed(result, jurors, entries, conflicts, per_entry, fixed)


@settings(max_examples=200, deadline=None)
@given(
    jury=juries_with_fixed(), per_entry=st.none() | st.integers(1, 5), seed=st.integers(0, 2**32)
)
def test_assign_with_fixed_pairs_balances_the_movable_load(jury, per_entry, seed):
    jurors, entries, conflicts, fixed = jury

    result = _assign_drawn(jury, per_entry, seed)

    eligible = _eligible(jurors, entries, conflicts)
    assert _improving_moves(result, eligible, fixed) == []
    movable_eligible, movable_wanted, base = _movable_part(
        jurors, entries, conflicts, fixed, per_entry
    )
    loads = result.loads
    assert max(loads.values()) == _best_max_load(
        jurors, movable_eligible, movable_wanted, base=base
    )
    assert min(loads.values()) == _best_min_load(
        jurors, movable_eligible, movable_wanted, base=base
    )


@settings(max_examples=150, deadline=None)
@given(
    jury=juries_with_fixed(max_jurors=4, max_entries=4),
    per_entry=st.integers(1, 3),
    seed=st.integers(0, 9),
)
def test_assign_with_fixed_pairs_matches_brute_force_on_tiny_juries(jury, per_entry, seed):
    jurors, entries, conflicts, fixed = jury
    eligible = _eligible(jurors, entries, conflicts)
    choices = []
    for e in entries:
        kept = tuple(j for j in eligible[e] if (j, e) in fixed)
        others = [j for j in eligible[e] if (j, e) not in fixed]
        room = max(0, per_entry - len(kept))
        choices.append(
            [kept + c for size in range(room + 1) for c in itertools.combinations(others, size)]
        )
    best = None
    for panels in itertools.product(*choices):
        counted = Counter(j for panel in panels for j in panel)
        loads = [counted[j] for j in jurors]
        # Most assignments first, then the smallest maximum, then the largest minimum.
        key = (-sum(loads), max(loads), -min(loads))
        best = key if best is None else min(best, key)

    result = _assign_drawn(jury, per_entry, seed)

    loads = result.loads.values()
    assert (-sum(loads), max(loads), -min(loads)) == best


@settings(max_examples=100, deadline=None)
@given(
    jury=juries_with_fixed(),
    per_entry=st.none() | st.integers(1, 5),
    seed=st.integers(0, 2**32),
    order_seed=st.integers(0, 2**16),
)
def test_assign_with_fixed_pairs_is_deterministic_whatever_the_input_order(
    jury, per_entry, seed, order_seed
):
    jurors, entries, conflicts, fixed = jury
    first = _assign_drawn(jury, per_entry, seed)
    rnd = random.Random(order_seed)
    shuffled_fixed = sorted(fixed) * 2  # duplicates count once
    rnd.shuffle(shuffled_fixed)

    again = assign(
        jurors=rnd.sample(jurors, len(jurors)),
        entries=rnd.sample(entries, len(entries)),
        conflicts=sorted(conflicts, reverse=True),
        per_entry=per_entry,
        seed=seed,
        fixed=shuffled_fixed,
    )

    assert again == first


# --- fixed pairs: examples ------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_assign_juror_with_three_fixed_entries_gets_no_automatic_one(seed):
    result = assign(
        jurors=[1, 2, 3],
        entries=[10, 11, 12, 13, 14, 15],
        conflicts=(),
        per_entry=1,
        seed=seed,
        fixed={(1, 10), (1, 11), (1, 12)},
    )

    assert {e: result.by_entry[e] for e in (10, 11, 12)} == {10: (1,), 11: (1,), 12: (1,)}
    assert all(result.by_entry[e] in {(2,), (3,)} for e in (13, 14, 15))
    assert result.loads[1] == 3
    assert sorted([result.loads[2], result.loads[3]]) == [1, 2]
    assert result.shortfalls == ()


@pytest.mark.parametrize("seed", range(4))
def test_assign_keeps_every_fixed_juror_beyond_k(seed):
    result = assign(
        jurors=[1, 2, 3, 4],
        entries=[10, 11, 12],
        conflicts=(),
        per_entry=1,
        seed=seed,
        fixed={(1, 10), (2, 10), (3, 10)},
    )

    assert result.by_entry[10] == (1, 2, 3)
    assert len(result.by_entry[11]) == len(result.by_entry[12]) == 1
    assert 4 in result.by_entry[11] + result.by_entry[12]
    assert sorted(result.loads.values()) == [1, 1, 1, 2]
    assert result.shortfalls == ()


def test_assign_never_moves_a_fixed_pair_even_to_balance():
    # Without the fixed pairs each juror would get one entry; with them juror 1 keeps both.
    result = assign(
        jurors=[1, 2], entries=[10, 11], conflicts=(), per_entry=1, seed=0, fixed=[(1, 10), (1, 11)]
    )

    assert result.by_entry == {10: (1,), 11: (1,)}
    assert result.loads == {1: 2, 2: 0}


@pytest.mark.parametrize("seed", range(4))
def test_assign_tops_up_around_fixed_jurors(seed):
    # Juror 1 already holds 11 and 12, so both places on 10 go to 2 and 3, and 11 and 12 are
    # topped up with one each of them: everyone ends with two.
    result = assign(
        jurors=[1, 2, 3],
        entries=[10, 11, 12],
        conflicts=(),
        per_entry=2,
        seed=seed,
        fixed={(1, 11), (1, 12)},
    )

    assert result.by_entry[10] == (2, 3)
    assert {result.by_entry[11], result.by_entry[12]} == {(1, 2), (1, 3)}
    assert result.loads == {1: 2, 2: 2, 3: 2}


def test_assign_with_fixed_pairs_and_per_entry_none_gives_everyone_everything():
    result = assign(
        jurors=[1, 2, 3],
        entries=[10, 11],
        conflicts={(1, 10)},
        per_entry=None,
        seed=0,
        fixed={(2, 10), (1, 11)},
    )

    assert result.by_entry == {10: (2, 3), 11: (1, 2, 3)}


@pytest.mark.parametrize(
    ("fixed", "message"),
    [
        ({(9, 10)}, r"Fixed pairs name unknown juror ids: \[9\]"),
        ({(1, 99)}, r"Fixed pairs name unknown entry ids: \[99\]"),
        ({(1, 10), (2, 11)}, r"Fixed pairs are also conflicts: \[\(2, 11\)\]"),
    ],
)
def test_assign_rejects_invalid_fixed_pairs(fixed, message):
    with pytest.raises(ValueError, match=message):
        assign(
            jurors=[1, 2],
            entries=[10, 11],
            conflicts={(2, 11)},
            per_entry=1,
            seed=0,
            fixed=fixed,
        )


def test_assign_accepts_duplicate_fixed_pairs():
    result = assign(
        jurors=[1, 2], entries=[10, 11], conflicts=(), per_entry=1, seed=0, fixed=[(1, 10)] * 3
    )

    assert result.by_entry == {10: (1,), 11: (2,)}
    assert result.loads == {1: 1, 2: 1}


def test_assign_holds_no_list_of_jurors_for_every_entry():
    """The work and the memory grow with the places to fill and the conflicts, not with
    jurors times entries: 3,000 entries and 300 jurors fit in what 300 x 3,000 ids alone would
    take (a list of each entry's eligible jurors, as before, made the peak over 9 MB)."""
    import tracemalloc

    jurors, entries = list(range(1, 301)), list(range(1, 3001))
    conflicts = {(j, e) for j in jurors[::30] for e in entries if e % 12 == j % 12}

    tracemalloc.start()
    try:
        result = assign(jurors=jurors, entries=entries, conflicts=conflicts, per_entry=3, seed=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 4 * 1024 * 1024
    assert max(result.loads.values()) - min(result.loads.values()) <= 1
    assert not result.shortfalls

"""The detector contract, checked against every registered raid detector (as scikit-learn's
``check_estimator`` checks every estimator): ``__init__`` stores its parameters only, ``fit``
returns the detector, learned state ends in ``_``, findings say themselves in JSON, fitting is
deterministic, an empty corpus finds nothing; and detectors register through the plugin hook,
built-ins and a third party's alike."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

import orjson
import pytest

from rempart import case as api
from rempart.analysis.raid import findings as findings_module
from rempart.analysis.raid.campaign import find_campaign
from rempart.analysis.raid.corpus import Corpus
from rempart.analysis.raid.designating import designated, find_designating
from rempart.analysis.raid.detector import Detector, Finding, Found, detectors, in_order
from rempart.analysis.raid.doxxing import scan
from rempart.analysis.raid.episodes import find_episodes
from rempart.analysis.raid.evasion import find_evasion
from rempart.analysis.raid.findings import Findings, analyze_corpus
from rempart.analysis.raid.impersonation import find_impersonators
from rempart.analysis.raid.origins import find_origins
from rempart.analysis.raid.types import Episode
from rempart.case.scoring import load_classifier, score_case
from rempart.errors import RempartError
from rempart.plugins import hookimpl, plugin_manager
from rempart.simulate import random_scenario, write_twarc2

BUILT_INS = [
    "designating_posts",
    "episodes",
    "campaign_accounts",
    "origins",
    "evasion_links",
    "impersonators",
    "doxxing",
]  # the order they run in


@dataclass(frozen=True)
class Reference:
    """A scored simulated case: fresh corpora of it, and one run of every detector."""

    fresh: Callable[[], Corpus]
    corpus: Corpus  # after the run (widened by the designating posts)
    before: dict[str, Found]  # detector name -> what the detectors before it produced
    found: Found


@pytest.fixture(scope="module")
def ref(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reference]:
    tmp = tmp_path_factory.mktemp("contract")
    truth = write_twarc2(tmp / "raid.jsonl", random_scenario(5, "small"))
    case = api.init_case(tmp / "case", truth["targets"])
    api.ingest(case, [tmp / "raid.jsonl"])
    score_case(case, load_classifier(case, use_encoder=False))

    def fresh() -> Corpus:
        return Corpus.from_store(case.store, case.targets)

    corpus = fresh()
    found, before = Found(), {}
    for det in detectors():
        before[det.name] = found
        found = found.extended(det.fit(corpus, found).detect())
    yield Reference(fresh, corpus, before, found)
    case.close()


@pytest.fixture(autouse=True)
def _in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """spaCy stays loaded in this process between tests (no child process to wait for)."""
    monkeypatch.setattr(findings_module, "PREWARM_FROM", 10**9)


def _new(name: str) -> Detector:
    return next(d for d in detectors() if d.name == name)


def _params(det: Detector) -> dict[str, Any]:
    """The parameters of ``__init__`` with their defaults (every one has a default)."""
    sig = inspect.signature(type(det))
    assert all(p.default is not p.empty for p in sig.parameters.values()), sig
    return {name: p.default for name, p in sig.parameters.items()}


def _json(sections: Mapping[str, Sequence[Finding]]) -> dict[str, Any]:
    return {name: [x.to_json() for x in items] for name, items in sections.items()}


# --------------------------------------------------------------------- registration
def test_the_registered_detectors_are_the_seven_built_ins_in_dependency_order() -> None:
    dets = detectors()
    assert [d.name for d in dets] == BUILT_INS
    assert all(isinstance(d, Detector) for d in dets)
    assert len({id(d) for d in dets + detectors()}) == 14  # fresh instances on each call


@pytest.mark.parametrize("name", BUILT_INS)
def test_requires_names_registered_detectors_that_run_before(name: str) -> None:
    det = _new(name)
    assert isinstance(det.name, str) and isinstance(det.requires, tuple)
    assert det.name not in det.requires
    assert set(det.requires) <= set(BUILT_INS[: BUILT_INS.index(name)])


# --------------------------------------------------------------------- the contract
@pytest.mark.parametrize("name", BUILT_INS)
def test_init_stores_its_parameters_and_nothing_else(name: str) -> None:
    det = _new(name)
    params = _params(det)
    assert vars(det) == params
    assert vars(type(det)(**params)) == params
    assert not any(k.endswith("_") for k in vars(det))


@pytest.mark.parametrize("name", BUILT_INS)
def test_fit_returns_the_detector_and_learns_attributes_ending_in_underscore(
    ref: Reference, name: str
) -> None:
    det = _new(name)
    params = _params(det)
    assert det.fit(ref.corpus, ref.before[name]) is det
    learned = set(vars(det)) - set(params)
    assert learned and all(k.endswith("_") and not k.startswith("_") for k in learned)
    assert {k: getattr(det, k) for k in params} == params  # fitting changes no parameter


@pytest.mark.parametrize("name", BUILT_INS)
def test_detect_gives_its_section_in_json(ref: Reference, name: str) -> None:
    sections = _new(name).fit(ref.corpus, ref.before[name]).detect()
    assert name in sections
    for items in sections.values():
        for item in items:
            assert isinstance(item, Finding)
            data = item.to_json()
            assert isinstance(data, dict)
            assert orjson.loads(orjson.dumps(data)) == data  # plain JSON values
    assert _json(sections) == {k: _json(ref.found)[k] for k in sections}


@pytest.mark.parametrize("name", BUILT_INS)
def test_fitting_twice_finds_the_same(ref: Reference, name: str) -> None:
    det = _new(name)
    first = _json(det.fit(ref.corpus, ref.before[name]).detect())
    again = _json(det.fit(ref.corpus, ref.before[name]).detect())
    assert first == again
    assert _json(_new(name).fit(ref.corpus, ref.before[name]).detect()) == first


def test_the_simulated_case_exercises_every_built_in(ref: Reference) -> None:
    """The checks above mean something only where each detector finds something."""
    assert all(ref.found[name] for name in BUILT_INS), ref.found


def test_an_empty_corpus_finds_nothing() -> None:
    corpus = Corpus.build([], [], [], None, ["@alice"])
    found = Found()
    for det in detectors():
        sections = det.fit(corpus, found).detect()
        assert all(items == [] for items in sections.values()), (det.name, sections)
        found = found.extended(sections)
    assert (
        analyze_corpus(Corpus.build([], [], [], None, ["@alice"])).to_json() == Findings().to_json()
    )


def test_found_is_read_only_and_typed() -> None:
    found = Found({"episodes": []})
    assert found.of("episodes", Episode) == [] and found.of("origins", Episode) == []
    with pytest.raises(TypeError):
        found["episodes"] = ()  # type: ignore[index]
    with pytest.raises(RempartError, match="two detectors produce the episodes"):
        found.extended({"episodes": []})
    with pytest.raises(RempartError, match="not all Episode"):
        Found({"episodes": [_Exclaim("x")]}).of("episodes", Episode)


# --------------------------------------------------------------------- the whole run
def test_analyze_corpus_finds_what_the_fixed_sequence_found(ref: Reference) -> None:
    """The registered detectors in dependency order give the very findings of the hand-written
    sequence they replaced (episodes, designating posts, episodes again on the wider set...)."""
    corpus = ref.fresh()
    first = find_episodes(corpus, threshold=0.4)
    posts = find_designating(corpus, first)
    assert posts  # the two-pass case
    corpus.aim(designated(corpus, posts))
    episodes = find_episodes(corpus, threshold=0.4)
    members, edges, sharers = find_campaign(corpus, episodes, posts)
    expected = Findings(
        episodes=episodes,
        campaign_accounts=members,
        coordination_edges=edges,
        link_sharers=sharers,
        designating_posts=posts,
        origins=find_origins(corpus, episodes, members),
        evasion_links=find_evasion(corpus),
        impersonators=find_impersonators(corpus),
        doxxing=scan(corpus),
    )
    found = analyze_corpus(ref.fresh())
    assert found.to_json() == expected.to_json()
    assert list(found.to_json()) == list(Findings().to_json())  # no extra key
    assert set(found.timings) == {
        "episodes",
        "designating",
        "campaign",
        "origins",
        "evasion",
        "impersonation",
        "doxxing",
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.timings = {}  # type: ignore[misc]


# --------------------------------------------------------------------- a third party
@dataclass(frozen=True)
class _Exclaim:
    message_id: str

    def to_json(self) -> dict[str, Any]:
        return {"message_id": self.message_id}


class _ExclaimDetector:
    """A third party's detector: exclamations during an episode."""

    name = "exclamations"
    requires = ("episodes",)

    def __init__(self, min_length: int = 12) -> None:
        self.min_length = min_length

    def fit(self, corpus: Corpus, found: Found) -> Self:
        rows = [int(r) for ep in found.of("episodes", Episode) for r in ep.rows]
        self.exclamations_ = [
            _Exclaim(corpus.ids[r])
            for r in sorted(set(rows))
            if len(corpus.text[r]) >= self.min_length and "!" in corpus.text[r]
        ]
        return self

    def detect(self) -> Mapping[str, Sequence[Finding]]:
        return {self.name: self.exclamations_}


class _Plugin:
    def __init__(self, *made: Callable[[], object]) -> None:
        self.made = list(made)

    @hookimpl
    def rempart_detectors(self) -> list[Callable[[], object]]:
        return self.made


@pytest.fixture
def registered() -> Iterator[Callable[..., None]]:
    pm = plugin_manager()
    plugins: list[_Plugin] = []

    def register(*made: Callable[[], object]) -> None:
        plugins.append(_Plugin(*made))
        pm.register(plugins[-1], name=f"contract-test-{len(plugins)}")

    try:
        yield register
    finally:
        for plugin in plugins:
            pm.unregister(plugin)


def test_a_third_party_detector_registered_through_the_hook_lands_in_extra(
    ref: Reference, registered: Callable[..., None]
) -> None:
    registered(lambda: _ExclaimDetector(min_length=1))
    assert [d.name for d in detectors()] == [*BUILT_INS, "exclamations"]  # registered last
    findings = analyze_corpus(ref.fresh())
    rows = [int(r) for ep in findings.episodes for r in ep.rows]
    expected = [
        {"message_id": ref.corpus.ids[r]} for r in sorted(set(rows)) if "!" in ref.corpus.text[r]
    ]
    assert list(findings.extra) == ["exclamations"]
    data = findings.to_json()
    assert data["exclamations"] == expected
    assert expected  # the simulated raid exclaims
    assert {k: v for k, v in data.items() if k != "exclamations"} == _json(ref.found)
    assert "exclamations" in findings.timings


def test_a_plugin_detector_with_a_built_in_name_replaces_it(
    registered: Callable[..., None],
) -> None:
    class QuietDoxxing:
        name = "doxxing"
        requires: tuple[str, ...] = ()

        def fit(self, corpus: Corpus, found: Found) -> Self:
            self.none_: list[Finding] = []
            return self

        def detect(self) -> Mapping[str, Sequence[Finding]]:
            return {self.name: self.none_}

    registered(QuietDoxxing)
    dets = detectors()
    assert [d.name for d in dets] == BUILT_INS
    assert isinstance(dets[-1], QuietDoxxing)


def test_a_broken_registration_says_what_is_wrong(registered: Callable[..., None]) -> None:
    registered(object)
    with pytest.raises(RempartError, match="does not make a detector"):
        detectors()


def test_in_order_refuses_unknown_requirements_duplicates_and_cycles() -> None:
    def fake(name: str, *requires: str) -> Detector:
        made: Detector = type("Fake", (_ExclaimDetector,), {"name": name, "requires": requires})()
        return made

    assert [d.name for d in in_order([fake("b", "a"), fake("c"), fake("a")])] == ["c", "a", "b"]
    with pytest.raises(RempartError, match="requires nowhere, which no registered"):
        in_order([fake("a", "nowhere")])
    with pytest.raises(RempartError, match="several detectors are named a"):
        in_order([fake("a"), fake("a")])
    with pytest.raises(RempartError, match="in a cycle"):
        in_order([fake("a", "b"), fake("b", "a")])

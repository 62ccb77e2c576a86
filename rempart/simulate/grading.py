"""Score the raid analysis against a simulated scenario's ground truth.

The figures are the issue's acceptance criteria: raid start error, support waves never labelled
harassment, campaign accounts precision and recall, doxxing precision and recall (per message),
impersonators found, evasion links found and false links per 1,000 accounts, designating posts
found, origins found.

Example::

    truth = write_twarc2(path, random_scenario(11))
    ...ingest, analyse...
    report = compare(findings.to_json(), truth, accounts=len(corpus.accounts))
    report.ok, report.lines()
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: Acceptance thresholds.
START_TOLERANCE_MIN = 30.0
CAMPAIGN_MIN = 0.9
DOXXING_RECALL_MIN = 0.95
DOXXING_PRECISION_MIN = 0.9
EVASION_RECALL_MIN = 0.8
FALSE_LINKS_PER_1000_MAX = 1.0


def _t(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _url_key(url: str) -> str:
    """A link as compared: no scheme, no ``www.``, no trailing slash, host in lower case."""
    rest = url.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    host = host.lower().removeprefix("www.")
    return f"{host}/{path}".rstrip("/")


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


@dataclass
class Comparison:
    """How the findings of one scenario compare with its truth."""

    start_error_min: float | None = None
    support_as_harassment: int = 0
    campaign_precision: float = 1.0
    campaign_recall: float = 1.0
    doxxing_precision: float = 1.0
    doxxing_recall: float = 1.0
    impersonators_found: float = 1.0
    impersonator_false: int = 0
    evasion_recall: float = 1.0
    false_links_per_1000: float = 0.0
    designating_recall: float = 1.0
    origins_found: float = 1.0
    missed: dict[str, list[str]] = field(default_factory=dict)

    @property
    def failures(self) -> list[str]:
        """The acceptance criteria this scenario misses (empty when all hold)."""
        out = []
        if self.start_error_min is None or self.start_error_min > START_TOLERANCE_MIN:
            out.append(f"raid start error {self.start_error_min} min")
        if self.support_as_harassment:
            out.append("support wave labelled harassment")
        if self.campaign_precision < CAMPAIGN_MIN or self.campaign_recall < CAMPAIGN_MIN:
            out.append(f"campaign P {self.campaign_precision:.2f} R {self.campaign_recall:.2f}")
        if (
            self.doxxing_recall < DOXXING_RECALL_MIN
            or self.doxxing_precision < DOXXING_PRECISION_MIN
        ):
            out.append(f"doxxing P {self.doxxing_precision:.2f} R {self.doxxing_recall:.2f}")
        if self.impersonators_found < 1.0:
            out.append(f"impersonators found {self.impersonators_found:.2f}")
        if (
            self.evasion_recall < EVASION_RECALL_MIN
            or self.false_links_per_1000 > FALSE_LINKS_PER_1000_MAX
        ):
            out.append(
                f"evasion R {self.evasion_recall:.2f}, {self.false_links_per_1000:.2f} false/1000"
            )
        if self.designating_recall < 1.0:
            out.append(f"designating posts found {self.designating_recall:.2f}")
        return out

    @property
    def ok(self) -> bool:
        return not self.failures

    def row(self) -> dict[str, Any]:
        return {
            "start_err_min": (
                round(self.start_error_min, 1) if self.start_error_min is not None else None
            ),
            "support_as_harassment": self.support_as_harassment,
            "campaign_P": round(self.campaign_precision, 3),
            "campaign_R": round(self.campaign_recall, 3),
            "doxxing_P": round(self.doxxing_precision, 3),
            "doxxing_R": round(self.doxxing_recall, 3),
            "impersonators": round(self.impersonators_found, 3),
            "imp_false": self.impersonator_false,
            "evasion_R": round(self.evasion_recall, 3),
            "false_links_1000": round(self.false_links_per_1000, 3),
            "designating_R": round(self.designating_recall, 3),
            "origins": round(self.origins_found, 3),
        }


def compare(found: dict[str, Any], truth: dict[str, Any], accounts: int) -> Comparison:
    """Compare ``rempart findings --json`` output with a simulator's truth.

    ``accounts`` is the number of accounts in the case (for false links per 1,000 accounts).
    """
    c = Comparison()
    episodes = found.get("episodes", [])
    _episodes(c, episodes, truth.get("episodes", []))
    # campaign
    true_campaign = set(truth.get("campaign_accounts", []))
    got = {a["account_id"] for a in found.get("campaign_accounts", [])}
    c.campaign_precision = _ratio(len(got & true_campaign), len(got))
    c.campaign_recall = _ratio(len(got & true_campaign), len(true_campaign))
    c.missed["campaign"] = sorted(true_campaign - got)[:20]
    c.missed["campaign_false"] = sorted(got - true_campaign)[:20]
    # doxxing, per message
    true_dox = {d["message_id"] for d in truth.get("doxxing", [])}
    got_dox = {d["message_id"] for d in found.get("doxxing", [])}
    c.doxxing_precision = _ratio(len(got_dox & true_dox), len(got_dox))
    c.doxxing_recall = _ratio(len(got_dox & true_dox), len(true_dox))
    c.missed["doxxing"] = sorted(true_dox - got_dox)
    c.missed["doxxing_false"] = sorted(got_dox - true_dox)
    # impersonators
    true_imp = {i["account_id"] for i in truth.get("impersonators", [])}
    got_imp = {i["account_id"] for i in found.get("impersonators", [])}
    c.impersonators_found = _ratio(len(got_imp & true_imp), len(true_imp))
    c.impersonator_false = len(got_imp - true_imp)
    c.missed["impersonators"] = sorted(true_imp - got_imp)
    # evasion
    true_links = {(x["from"], x["to"]) for x in truth.get("evasion_links", [])}
    got_links = {(x["from"], x["to"]) for x in found.get("evasion_links", [])}
    c.evasion_recall = _ratio(len(got_links & true_links), len(true_links))
    c.false_links_per_1000 = 1000.0 * len(got_links - true_links) / max(1, accounts)
    c.missed["evasion"] = [f"{a}->{b}" for a, b in sorted(true_links - got_links)]
    c.missed["evasion_false"] = [f"{a}->{b}" for a, b in sorted(got_links - true_links)]
    # designating posts and origins
    true_des = set(truth.get("designating_posts", []))
    got_des = {d["message_id"] for d in found.get("designating_posts", [])}
    c.designating_recall = _ratio(len(got_des & true_des), len(true_des))
    c.missed["designating"] = sorted(true_des - got_des)
    true_urls = {_url_key(o["url"]) for o in truth.get("origins", [])}
    got_urls = {_url_key(o["url"]) for o in found.get("origins", [])[:5]}
    c.origins_found = _ratio(len(got_urls & true_urls), len(true_urls))
    return c


def _episodes(c: Comparison, found: list[dict[str, Any]], truth: list[dict[str, Any]]) -> None:
    """Raid start error, and support waves labelled harassment."""
    spans = [(_t(e["start"]), _t(e["end"]), e["kind"]) for e in found]
    truths = [(_t(e["start"]), _t(e["end"]), e["kind"]) for e in truth]
    errors = []
    for start, end, kind in truths:
        if kind != "harassment":
            continue
        hostile = [
            s for s in spans if s[0] <= end and s[1] >= start and s[2] in ("harassment", "mixed")
        ]
        errors.append(min((abs(s[0] - start) for s in hostile), default=float("inf")) / 60.0)
    # a support wave labelled harassment: a harassment episode whose time overlaps a support
    # wave more than any harassment raid of the truth
    for s in spans:
        if s[2] != "harassment" or not truths:
            continue
        best = max(truths, key=lambda te: min(s[1], te[1]) - max(s[0], te[0]))
        if best[2] == "support" and min(s[1], best[1]) > max(s[0], best[0]):
            c.support_as_harassment += 1
    if errors:
        worst = max(errors)
        c.start_error_min = None if worst == float("inf") else worst

"""UN vote alignment: measures against a hand computation, divergent votes, duplicates, bad input."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kzecon
from kzecon import alignment
from kzecon.cli import main
from kzecon.errors import CountryCodeError, CoverageError, SchemaError, UsageError

REFS = Path(__file__).parent / "references"
REF = REFS / "alignment"


@pytest.fixture(scope="module")
def toy():
    votes = pd.read_csv(REF / "votes.csv")
    rc = pd.read_csv(REF / "roll_calls.csv")
    return {"votes": votes, "roll_calls": rc}


@pytest.mark.parametrize("row", pd.read_csv(REF / "hand_agreement.csv").to_dict("records"),
                         ids=lambda r: f"{r['country_a']}-{r['country_b']}-{r['abstain']}")
def test_agreement_matches_hand_computation(toy, row):
    got = alignment.agreement(row["country_a"], row["country_b"], by="all", abstain=row["abstain"], **toy)
    assert len(got) == 1
    g = got.iloc[0]
    assert g["n"] == row["n"]
    for k in ("agreement", "kappa", "scott_pi", "s_score"):
        assert g[k] == pytest.approx(row[k], abs=1e-12), k


def test_divergent_votes_match_hand_computation(toy):
    hand = pd.read_csv(REF / "hand_divergent.csv")
    for strict in (False, True):
        exp = hand[hand["strict"] == 1] if strict else hand
        got = alignment.divergent_votes(("KAZ", "CHN", "RUS"), strict=strict, **toy)
        assert got["rcid"].tolist() == exp["rcid"].tolist()
        assert got["sided_with"].tolist() == exp["sided_with"].tolist()
        summ = alignment.divergence_summary(got).set_index("sided_with")["count"]
        assert summ.sum() == len(exp)
        assert summ["absent"] == (exp["sided_with"] == "absent").sum()


def test_absent_country_is_never_counted_as_agreeing():
    # roll call 2: B absent; only roll call 1 counts
    s = alignment.agreement_scores(["yes", "yes"], ["yes", None])
    assert s["n"] == 1 and s["agreement"] == 1.0
    s = alignment.agreement_scores([None, None], ["yes", "no"])
    assert s["n"] == 0 and np.isnan(s["agreement"])


@given(st.lists(st.tuples(st.sampled_from(["yes", "no", "abstain", None]),
                          st.sampled_from(["yes", "no", "abstain", None])), min_size=1, max_size=40))
def test_measures_are_symmetric_and_bounded(pairs):
    x, y = zip(*pairs, strict=False)
    a = alignment.agreement_scores(x, y)
    b = alignment.agreement_scores(y, x)
    for k in ("agreement", "kappa", "scott_pi", "s_score"):
        assert (np.isnan(a[k]) and np.isnan(b[k])) or a[k] == pytest.approx(b[k])
    if a["n"]:
        assert 0 <= a["agreement"] <= 1 and -1 <= a["s_score"] <= 1
        assert a["s_score"] == pytest.approx(2 * a["agreement"] - 1)  # absolute distance, half agreement


def test_repeated_resolution_records_are_set_aside_and_reported():
    rc = pd.DataFrame({"rcid": [10, 11, 12, 13, 14], "date": ["2018-12-01"] * 4 + ["2018-12-02"],
                       "unres": ["R/73/1", "A/RES/73/1", "R/73/2", None, "R/73/1"]})
    kept, removed = alignment.resolve_duplicates(rc)
    assert kept["rcid"].tolist() == [10, 12, 13, 14]  # same symbol (A/RES/ form) and date as rcid 10
    assert removed[["rcid", "kept_rcid"]].values.tolist() == [[11, 10]]
    kept_all, removed_all = alignment.resolve_duplicates(rc, "keep")
    assert len(kept_all) == 5 and removed_all.empty


@pytest.mark.parametrize("period,strict,n,chn,rus", [((2007, 2013), True, 13, 7, 4), ((2014, 2019), True, 28, 25, 3)])
def test_real_triad_counts(period, strict, n, chn, rus):
    """2007–2013: 13 resolutions on which China and Russia voted yes against no, Kazakhstan with China 7 times,
    with Russia 4, with neither 2 — the count of the published analysis the project started from (its 14th
    record, rcid 5924, is a separate vote on a paragraph of resolution 67/46). 2014–2019: a regression pin on
    the bundled data (the code's output). The counting logic itself is checked against the hand fixture in
    test_divergent_votes_match_hand_computation."""
    d = alignment.divergent_votes(start=period[0], end=period[1], strict=strict)
    assert len(d) == n
    assert d["rcid"].is_unique and (d["record_type"] == "resolution").all()
    assert set(d["vote_CHN"]) | set(d["vote_RUS"]) <= {"yes", "no"}
    assert ((d["vote_CHN"] == "yes") ^ (d["vote_RUS"] == "yes")).all()
    counts = d["sided_with"].value_counts()
    assert counts.get("CHN", 0) == chn and counts.get("RUS", 0) == rus
    assert counts.get("neither", 0) + counts.get("absent", 0) == n - chn - rus


def test_record_types_match_the_hand_labels():
    """31 roll calls of every description style, labelled by a person from the record text
    (tests/references/un_votes/hand_record_types.csv, with the deciding words)."""
    hand = pd.read_csv(REFS / "un_votes" / "hand_record_types.csv", comment="#")
    rc = kzecon.data.load_un_roll_calls()
    got = alignment.classify_records(rc[rc["rcid"].isin(hand["rcid"])]).merge(hand, on="rcid")
    assert len(got) == len(hand)
    wrong = got[got["record_type_x"] != got["record_type_y"]]
    assert wrong.empty, wrong[["rcid", "record_type_x", "record_type_y"]].to_string()
    assert (got["record_type_basis"] == "text").all()


def test_paragraph_vote_is_set_aside_and_listed_and_all_records_keeps_it():
    d = alignment.divergent_votes(start=2007, end=2013, strict=True)
    aside = d.attrs["set_aside"].set_index("rcid")
    assert aside.loc[5924, "record_type"] == "paragraph" and 5924 not in set(d["rcid"])
    every = alignment.divergent_votes(start=2007, end=2013, strict=True, records="all")
    assert len(every) == 14 and every.set_index("rcid").loc[5924, "record_type"] == "paragraph"


def test_record_types_of_a_users_roll_calls_without_text():
    """A newer release without descriptions: Voeten's amend/para flags decide, else a resolution."""
    rc = pd.DataFrame({"rcid": [1, 2, 3, 4], "amend": [1, 0, None, 0], "para": [0, 1, None, 0]})
    got = alignment.classify_records(rc)
    assert got["record_type"].tolist() == ["amendment", "paragraph", "resolution", "resolution"]
    assert got["record_type_basis"].tolist() == ["flag", "flag", "default", "default"]


def test_default_window_is_the_member_years():
    """Kazakhstan's first recorded UN vote is in 1992 (admitted 2 March 1992): without --from the triad's
    window starts there, and 'absent' counts no year before membership."""
    d = alignment.divergent_votes(strict=True)
    assert d.attrs["period"][0] == 1992 and d["year"].min() >= 1992
    votes = kzecon.data.load_un_votes()
    years = kzecon.data.load_un_roll_calls().set_index("rcid")["year"]
    assert int(votes[votes["country"] == "KAZ"]["rcid"].map(years).min()) == 1992


def test_alignment_series_is_difference():
    s = alignment.alignment_series(start=2010, end=2015)
    assert s["year"].tolist() == list(range(2010, 2016))
    assert np.allclose(s["alignment"], s["agreement_CHN"] - s["agreement_RUS"])
    assert (s["n_CHN"] > 40).all()


@pytest.mark.parametrize("kwargs,exc,words", [
    ({"triad": ("KAZ", "CHN", "XXX")}, CountryCodeError, ["XXX"]),
    ({"triad": ("KAZ", "CHN")}, UsageError, ["three"]),
    ({"start": 2015, "end": 2010}, CoverageError, ["2015", "2010"]),
    ({"start": 2030, "end": 2031}, CoverageError, ["2030"]),
])
def test_bad_input_is_named(kwargs, exc, words):
    with pytest.raises(exc) as e:
        alignment.divergent_votes(**kwargs)
    for w in words:
        assert w in str(e.value)


def test_unknown_vote_label_is_named():
    with pytest.raises(SchemaError, match="maybe"):
        alignment.agreement_scores(["yes", "maybe"], ["yes", "no"])


def test_cli_contract(tmp_path, capsys):
    out = tmp_path / "al"
    rc = main(["alignment", "--triad", "KAZ,CHN,RUS", "--from", "2007", "--to", "2013", "--strict", "--out", str(out)])
    assert rc == 0
    d = pd.read_csv(out / "divergent_votes.csv")
    for c in ("rcid", "year", "unres", "issue", "vote_KAZ", "vote_CHN", "vote_RUS", "sided_with"):
        assert c in d.columns
    assert d["year"].between(2007, 2013).all() and len(d) == 13 and d["rcid"].is_unique
    s = pd.read_csv(out / "summary.csv")
    assert {"sided_with", "count"} <= set(s.columns)
    assert s["count"].sum() == len(d)
    assert s.set_index("sided_with")["count"].to_dict() == {"CHN": 7, "RUS": 4, "neither": 2, "absent": 0}
    aside = pd.read_csv(out / "records_set_aside.csv")
    assert 5924 in set(aside["rcid"])
    assert (out / "agreement_by_year.png").exists()


def test_cli_unknown_country_one_line(capsys):
    rc = main(["alignment", "--triad", "KAZ,CHN,ZZZ"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc != 0 and len(err) == 1 and "ZZZ" in err[0]
